"""The audit log's hash chains and checkpoints: how an entry is hashed, how a checkpoint
binds every chain's head, and how both are verified.

Each entry's hash is SHA-256 over the previous entry's hash in its chain and the canonical
JSON of the entry itself, so changing, inserting or removing any entry breaks every link
after it. A checkpoint is a signed statement of an RFC 6962 Merkle root over every chain's
[name, length, head]; removing the newest entries of a chain and moving its head back goes
unseen by the chain alone, but not by a checkpoint that covered them. Payloads carry
identifiers and content hashes, never reflection text.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q
from pymerkle import InclusionProof, InmemoryTree, InvalidProof, verify_inclusion

from audit import keys
from audit.models import AuditEntry, AuditHead, Checkpoint
from core.hashing import canonical_json, sha256

GENESIS = "0" * 64
SITE = "site"


def user_chain(user_id) -> str:
    """The chain of one person's portfolio: it can travel inside their export."""
    return f"user:{user_id}"


def organisation_chain(organisation_id) -> str:
    return f"organisation:{organisation_id}"


def entry_hash(*, prev_hash, actor_id, action, object_type, object_id, at, payload) -> str:
    body = canonical_json(
        {
            "actor": actor_id,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            # Microseconds in UTC, as stored, so the hash survives a round trip.
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "payload": payload,
        }
    )
    return sha256(prev_hash + body)


def recomputed_hash(entry: AuditEntry) -> str:
    return entry_hash(
        prev_hash=entry.prev_hash,
        actor_id=entry.actor_id,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        at=entry.at,
        payload=entry.payload,
    )


# --- Checkpoints ------------------------------------------------------------------------------


def merkle_leaf(chain: str, length: int, head: str) -> bytes:
    return canonical_json([chain, length, head]).encode()


def merkle_tree(heads: dict[str, list]) -> InmemoryTree:
    """The tree over every chain's head, leaves in order of chain name."""
    return InmemoryTree.init_from_entries(
        [merkle_leaf(chain, *heads[chain]) for chain in sorted(heads)], algorithm="sha256"
    )


def statement(checkpoint: Checkpoint) -> dict:
    """What the signature covers."""
    return {
        "type": "WaymarkAuditCheckpoint",
        "number": checkpoint.number,
        "at": checkpoint.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "chains": checkpoint.chains,
        "entries": checkpoint.entries,
        "root": checkpoint.root,
        "previous": checkpoint.previous,
        "key_id": checkpoint.key_id,
    }


def statement_bytes(signed: dict) -> bytes:
    return canonical_json(signed).encode()


def statement_digest(checkpoint: Checkpoint) -> str:
    """What the next checkpoint names as its `previous`."""
    return sha256(canonical_json(statement(checkpoint)))


def merkle_root(heads: dict[str, list]) -> str:
    return merkle_tree(heads).get_root().hex()


def published(checkpoint: Checkpoint) -> dict:
    """The checkpoint as anyone may fetch and keep it: the signed statement and its
    signature. Chain names and lengths stay private; a chain's owner gets an inclusion proof
    for their own chain instead (see inclusion_proof)."""
    return {"statement": statement(checkpoint), "signature": checkpoint.signature}


def signature_problem(signed: dict, signature: str, public_keys=None) -> str | None:
    public_keys = keys.trusted_public_keys() if public_keys is None else public_keys
    key = public_keys.get(signed.get("key_id"))
    if key is None:
        return f"it was signed with key {signed.get('key_id')!r}, which is not a trusted key"
    if not key.verifies(signature, statement_bytes(signed)):
        return "its signature does not verify"
    return None


def inclusion_proof(checkpoint: Checkpoint, chain: str) -> dict | None:
    """Proof that `chain`, at the length and head the checkpoint recorded, is one of the
    leaves under its signed root; None when the checkpoint does not cover the chain."""
    if chain not in checkpoint.heads:
        return None
    names = sorted(checkpoint.heads)
    proof = merkle_tree(checkpoint.heads).prove_inclusion(names.index(chain) + 1)
    length, head = checkpoint.heads[chain]
    return {"chain": chain, "length": length, "head": head, "proof": proof.serialize()}


def inclusion_problem(signed: dict, included: dict) -> str | None:
    """Whether an inclusion proof ties a chain's head to a signed checkpoint's root."""
    leaf = InmemoryTree(algorithm="sha256").hash_buff(
        merkle_leaf(included["chain"], included["length"], included["head"])
    )
    try:
        verify_inclusion(
            leaf, bytes.fromhex(signed["root"]), InclusionProof.deserialize(included["proof"])
        )
    except (InvalidProof, KeyError, ValueError, TypeError):
        return "the chain's head is not under the checkpoint's root"
    return None


def verify_record(record: dict, public_keys=None) -> str | None:
    """Check a chain record from a portfolio export (audit.services.chain_record) without
    the database: every link and hash, the checkpoint's signature, and that the checkpoint
    covers this chain at a length the record still holds. Returns the first problem."""
    previous = GENESIS
    for position, item in enumerate(record["entries"], start=1):
        at = datetime.fromisoformat(item["at"])
        expected = entry_hash(
            prev_hash=previous,
            actor_id=item["actor"],
            action=item["action"],
            object_type=item["object_type"],
            object_id=item["object_id"],
            at=at,
            payload=item["payload"],
        )
        if item["seq"] != position or item["prev_hash"] != previous or item["hash"] != expected:
            return f"entry {position} of the chain does not match its hash or its link"
        previous = item["hash"]
    if not record.get("checkpoint"):
        return "the record carries no signed checkpoint"
    signed = record["checkpoint"]["statement"]
    problem = signature_problem(signed, record["checkpoint"]["signature"], public_keys)
    if problem:
        return f"the checkpoint is not genuine: {problem}"
    included = record.get("inclusion")
    if not included or included["chain"] != record["chain"]:
        return "the checkpoint does not cover this chain"
    problem = inclusion_problem(signed, included)
    if problem:
        return problem
    length = included["length"]
    if length > len(record["entries"]) or record["entries"][length - 1]["hash"] != included["head"]:
        return f"the checkpoint signed {length} entries of this chain; the record differs"
    return None


# --- Verification -----------------------------------------------------------------------------


@dataclass
class Problem:
    # The entry where the problem shows, when there is one.
    entry_id: int | None
    sentence: str


@dataclass
class Report:
    entries: int = 0
    chains: int = 0
    checkpoints: int = 0
    latest: Checkpoint | None = None
    problem: Problem | None = None


def verify(*, held: dict | None = None, batch_size: int = 2000) -> Report:
    """Verify the checkpoints, then walk every chain from its start, checking each link,
    each chain's head, and that every chain still holds what the latest checkpoint signed.
    `held` is a published checkpoint kept outside the database, if the caller has one."""
    report = Report()
    report.problem = _verify_checkpoints(report, held)
    if report.problem is None:
        report.problem = _verify_chains(report, batch_size)
    return report


def _verify_checkpoints(report: Report, held: dict | None) -> Problem | None:
    trusted = keys.trusted_public_keys()
    previous = ""
    for checkpoint in Checkpoint.objects.order_by("number").iterator():
        name = f"Checkpoint #{checkpoint.number}"
        if checkpoint.previous != previous:
            return Problem(None, f"{name} does not follow the one before it")
        problem = signature_problem(statement(checkpoint), checkpoint.signature, trusted)
        if problem:
            return Problem(None, f"{name} fails: {problem}")
        if merkle_root(checkpoint.heads) != checkpoint.root:
            return Problem(None, f"{name} fails: its chain heads do not match its signed root")
        previous = statement_digest(checkpoint)
        report.checkpoints += 1
        report.latest = checkpoint
    if held is not None:
        return _compare_held(held, trusted)
    return None


def _compare_held(held: dict, trusted) -> Problem | None:
    signed, signature = held.get("statement") or {}, held.get("signature") or ""
    problem = signature_problem(signed, signature, trusted)
    if problem:
        return Problem(None, f"The checkpoint given to compare with is not genuine: {problem}")
    number = signed.get("number")
    stored = Checkpoint.objects.filter(number=number).first()
    if stored is None:
        return Problem(
            None,
            f"Checkpoint #{number}, signed {signed.get('at')}, is missing from the database: "
            "the audit log has been rolled back past it",
        )
    if statement(stored) != signed:
        return Problem(None, f"Checkpoint #{number} in the database is not the one given")
    return None


def _verify_chains(report: Report, batch_size: int) -> Problem | None:
    heads = {head.chain: head for head in AuditHead.objects.all()}
    signed = report.latest.heads if report.latest else {}
    walked: dict[str, int] = {}  # chain: length found
    confirmed: set[str] = set()
    chain, seq, previous = None, 0, GENESIS
    for entry in _entries(batch_size):
        if entry.chain != chain:
            problem = _chain_end(chain, seq, previous, heads)
            if problem:
                return problem
            chain, seq, previous = entry.chain, 0, GENESIS
        where = f"audit entry #{entry.pk} ({entry.chain}, position {entry.seq})"
        if entry.seq != seq + 1 or entry.prev_hash != previous:
            return Problem(entry.pk, f"{where}: its link to the previous entry does not match")
        if entry.hash != recomputed_hash(entry):
            return Problem(entry.pk, f"{where}: its contents do not match its hash")
        if chain in signed and signed[chain][0] == entry.seq:
            if signed[chain][1] != entry.hash:
                return Problem(
                    entry.pk,
                    f"{where}: it is not the entry that checkpoint #{report.latest.number} "
                    "signed at this position",
                )
            confirmed.add(chain)
        seq, previous = entry.seq, entry.hash
        walked[chain] = seq
        report.entries += 1
    problem = _chain_end(chain, seq, previous, heads)
    if problem:
        return problem
    report.chains = len(walked)
    for name in sorted(set(heads) - set(walked)):
        if heads[name].length:
            return Problem(None, f"Audit chain {name} has lost all {heads[name].length} entries")
    for name in sorted(set(signed) - confirmed):
        return Problem(
            None,
            f"Audit chain {name} held {signed[name][0]} entries when checkpoint "
            f"#{report.latest.number} was signed ({report.latest.at:%Y-%m-%d %H:%M} UTC) "
            f"and now holds {walked.get(name, 0)}: entries were removed",
        )
    return None


def _chain_end(chain, length, last_hash, heads) -> Problem | None:
    if chain is None:
        return None
    head = heads.get(chain)
    if head is None or head.length != length or head.last_hash != last_hash:
        return Problem(None, f"entries are missing from the end of audit chain {chain}")
    return None


def _entries(batch_size: int) -> Iterator[AuditEntry]:
    """Every entry, chain by chain in order, a batch at a time (keyset, not OFFSET)."""
    after = None
    while True:
        entries = AuditEntry.objects.order_by("chain", "seq")
        if after:
            entries = entries.filter(Q(chain__gt=after[0]) | Q(chain=after[0], seq__gt=after[1]))
        batch = list(entries[:batch_size])
        if not batch:
            return
        yield from batch
        after = (batch[-1].chain, batch[-1].seq)
