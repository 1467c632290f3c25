"""Queries and reports: read models, the dashboard's figures, the funnel and trace, lateness."""
