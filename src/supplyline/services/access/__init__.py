"""Who is who and who sees what: tokens, sessions, record owners, withheld values and the trimmed views."""
