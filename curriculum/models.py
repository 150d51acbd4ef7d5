"""Curriculum frameworks, their item trees, programmes and coverage (built in a later step)."""
