"""Another Waymark, as a separate process on this machine: its own SQLite database and
files in a temporary folder, its own address (SITE_URL http://127.0.0.1:<port>), set up
with an issuer, a badge class and two awards, then served by runserver. Badges it issues
are badges from elsewhere to the Waymark under test.

Starting it costs one migration of an empty database (about half a minute), so a test
module starts it once. Without it the tests skip, or fail under WAYMARK_REQUIRE_SERVICES=1."""

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.request import urlopen

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60
SETUP_TIMEOUT = 300

# Run inside the other Waymark by `manage.py shell -c`; prints what the tests need, as JSON.
SETUP = """
import json, os
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accounts.models import Organisation, User
from badges import openbadges
from badges.models import BadgeClass, Issuer
from badges.ob3 import issuing
from badges.services import awarding

site = os.environ["SITE_URL"]
org = Organisation.objects.create(name="Elsewhere Deanery", slug="elsewhere")
issuer = Issuer.objects.create(
    organisation=org, name="Elsewhere Deanery", url=site, email="badges@elsewhere.example"
)
sim = BadgeClass.objects.create(
    issuer=issuer, slug="sim-faculty", name="Simulation faculty",
    description="Teaches on simulation courses.", criteria="Teach on three courses.",
)
trainee = User.objects.create_user(os.environ["TRAINEE_EMAIL"], full_name="Trainee Elsewhere")
colleague = User.objects.create_user("colleague@elsewhere.example", full_name="A Colleague")
mine = awarding.award_badge(badge_class=sim, recipient=trainee)
theirs = awarding.award_badge(badge_class=sim, recipient=colleague)
credential = issuing.credential_for(mine)
print(json.dumps({
    "mine": str(mine.uid),
    "theirs": str(theirs.uid),
    "issuer": openbadges.issuer_url(issuer),
    "badge_class": openbadges.badge_class_url(sim),
    "credential_issuer": credential.document["issuer"]["id"],
    "credential_achievement": credential.document["credentialSubject"]["achievement"]["id"],
}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class SecondWaymark:
    url: str
    facts: dict
    process: subprocess.Popen

    def get(self, path: str) -> bytes:
        with urlopen(self.url + path, timeout=10) as answer:  # noqa: S310 (a local test server)
            return answer.read()

    def baked_png(self, uid: str) -> bytes:
        return self.get(f"/badges/awards/{uid}/badge.png")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


class NotStarted(Exception):
    pass


def start(folder: Path, *, trainee_email: str) -> SecondWaymark:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}
    }
    env.update(
        DJANGO_ENV="development",
        DEBUG="false",
        PYTHONPATH=str(ROOT),
        DATABASE_URL=f"sqlite:///{folder / 'waymark.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        SITE_URL=url,
        BADGE_KEY_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        AUDIT_SIGNING_KEY_FILE=str(folder / "audit-signing-key.pem"),
        TRAINEE_EMAIL=trainee_email,
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    try:
        setup = subprocess.run(
            [*manage, "shell", "-c", SETUP],
            env=env,
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=SETUP_TIMEOUT,
        )
    except subprocess.TimeoutExpired as error:
        raise NotStarted(f"setting up the second Waymark took over {SETUP_TIMEOUT}s") from error
    if setup.returncode != 0:
        raise NotStarted(f"setting up the second Waymark failed:\n{setup.stderr[-3000:]}")
    facts = json.loads(setup.stdout.strip().splitlines()[-1])
    process = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        env=env,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        # A file, not a pipe: runserver logs every request, and a full pipe would stop it.
        stderr=(folder / "server.log").open("w"),
    )
    waymark = SecondWaymark(url=url, facts=facts, process=process)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            log = (folder / "server.log").read_text()[-3000:]
            raise NotStarted(f"the second Waymark stopped:\n{log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return waymark
        except OSError:
            if time.monotonic() > deadline:
                waymark.stop()
                raise NotStarted(f"the second Waymark did not answer in {START_TIMEOUT}s") from None
            time.sleep(0.2)
