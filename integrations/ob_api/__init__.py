"""The Open Badges 3.0 API (1EdTech), as a host: wallets and other issuers, acting for a
trainee with their consent, read the trainee's credentials and profile and send them
credentials issued elsewhere.

It lives in integrations, not badges, because every call is made by an OAuth app with one
of 1EdTech's scopes, and OAuth (the toolkit's authentication, scopes, consent, registration)
is integrations' own; integrations is the top layer, so it may call badges' selectors and
services, while badges stays free of OAuth.
"""
