"""Open Badges 3.0: every award also a W3C Verifiable Credential that carries its own proof.

contexts (the bundled JSON-LD contexts), keys (issuer keys, encrypted at rest), proofs
(eddsa-rdfc-2022 Data Integrity proofs and VC-JWT), credentials (the documents), status_list
(Bitstring Status List revocation), issuing (the write path), baking and verifying.
"""
