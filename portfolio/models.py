"""Learning events, evidence, sign-off and the audit log (built in a later step)."""
