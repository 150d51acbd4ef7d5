"""Issuers, badge classes, rules and awards (built in a later step)."""
