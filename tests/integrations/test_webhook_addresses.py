"""Webhooks are not a way into Waymark's own network: in production the receiver's host is
resolved, every address checked, and the connection made to the address checked."""

import socket

import pytest

from core.addresses import AddressRefused, checked_address
from integrations.webhooks import sending
from tests.config.test_settings import production_setting
from tests.integrations.webhook_receiver import Receiver


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


def resolving_to(monkeypatch, *addresses):
    """The resolver answering with `addresses` for any name (the network's DNS is the one
    thing stood in for)."""

    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",  # loopback
        "10.1.2.3",  # private
        "192.168.0.10",
        "172.16.5.5",
        "169.254.169.254",  # cloud metadata (link-local)
        "169.254.10.10",  # link-local
        "100.100.100.200",  # Alibaba Cloud metadata
        "0.0.0.0",
    ],
)
def test_production_refuses_addresses_that_are_not_public(address):
    with pytest.raises(AddressRefused):
        checked_address(address, 443)


@pytest.mark.parametrize("host", ["::1", "fd00:ec2::254", "fe80::1", "::ffff:127.0.0.1"])
def test_production_refuses_ipv6_addresses_that_are_not_public(host):
    with pytest.raises(AddressRefused):
        checked_address(host, 443)


def test_every_resolved_address_is_checked_not_just_the_first(monkeypatch):
    resolving_to(monkeypatch, "93.184.215.14", "10.0.0.7")
    with pytest.raises(AddressRefused, match="10.0.0.7"):
        checked_address("receiver.example.com", 443)


def test_a_public_host_gets_its_checked_address(monkeypatch):
    resolving_to(monkeypatch, "93.184.215.14")
    assert checked_address("receiver.example.com", 443) == "93.184.215.14"


def test_allowing_private_addresses_still_refuses_metadata_and_link_local():
    assert checked_address("127.0.0.1", 80, allow_private=True) == "127.0.0.1"
    assert checked_address("10.1.2.3", 80, allow_private=True) == "10.1.2.3"
    for address in ("169.254.169.254", "fd00:ec2::254", "fe80::1"):
        with pytest.raises(AddressRefused):
            checked_address(address, 80, allow_private=True)


def test_in_production_a_loopback_receiver_is_refused_before_connecting(settings, receiver):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    outcome = sending.post(receiver.url, body="{}", headers={})
    assert not outcome.succeeded and outcome.status_code is None
    assert outcome.error.startswith("Refused:") and "127.0.0.1" in outcome.error
    assert receiver.received == []


def test_in_development_a_loopback_receiver_is_reached(settings, receiver):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    assert sending.post(receiver.url, body="{}", headers={}).succeeded
    assert len(receiver.received) == 1


def test_the_connection_goes_to_the_address_checked_not_a_second_lookup(
    settings, receiver, monkeypatch
):
    """A name that resolves to an allowed address when checked and elsewhere a moment later
    (DNS rebinding) is still sent to the address that was checked: the name is looked up
    once."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    lookups = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        lookups.append(host)
        if host == "rebinding.example":
            return real("127.0.0.1", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    port = receiver.server.server_address[1]
    outcome = sending.post(f"http://rebinding.example:{port}/hooks", body="{}", headers={})
    assert outcome.succeeded
    assert lookups.count("rebinding.example") == 1
    assert receiver.received[0].headers["Host"] == f"rebinding.example:{port}"


def test_production_refuses_private_addresses_unless_told_otherwise():
    assert production_setting("s.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES") == "False"
    told = production_setting(
        "s.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", WEBHOOKS_ALLOW_PRIVATE_ADDRESSES="1"
    )
    assert told == "True"


def test_development_allows_them():
    from config import settings as config

    assert config.DEVELOPMENT and config.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9000/hooks", "http://localhost/hooks", "https://169.254.169.254/"]
)
def test_in_production_a_subscription_to_a_refused_address_is_refused_by_field(
    settings, trainee, url
):
    from django.core.exceptions import ValidationError

    from integrations.webhooks import services

    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(ValidationError) as refused:
        services.create_subscription(actor=trainee, url=url, events=["entry.created"])
    assert "url" in refused.value.message_dict
