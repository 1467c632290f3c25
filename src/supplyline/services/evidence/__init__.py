"""The evidence (issue 18): documents attached to records, kept in the blob store, and audit findings followed to closure."""
