"""Notifications (issue 17, item 5): parties' webhook subscriptions and their delivery."""
