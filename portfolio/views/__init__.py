"""The portfolio's pages, by subject."""
