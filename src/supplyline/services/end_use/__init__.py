"""End-use monitoring (issue 16): serials, manifests, custody legs, checks, dispositions, compliance figures and who sees them."""
