"""Every change to issuers, badge classes, awards and public profiles goes through a function
in this package, one module a subject: awarding (awards, revocation and rule evaluation),
badge_classes (the issuer's profile and badge classes), endorsements (one issuer's
endorsements of another or of its badge classes) and public_profile (what a trainee shows
publicly)."""
