"""`/v1/files/import` over https to a host name: the connection goes to the checked address,
and TLS is spoken to the name (SNI), so the certificate is checked against the name.

A local TLS server with a certificate made here for `files.quorum.test`; the name resolves to
127.0.0.1 through a resolver override, and the server's trust store is this test's CA.
"""

from __future__ import annotations

import datetime as dt
import http.server
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import certifi
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "files.quorum.test"
BODY = b"\x89PNG a picture"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A CA, and a server certificate it signed for HOST: (CA file, cert file, key file)."""
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Quorum test CA"))
        .issuer_name(_name("Quorum test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )  # fmt: skip
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(HOST))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    paths = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    paths[0].write_bytes(ca.public_bytes(pem))
    paths[1].write_bytes(leaf.public_bytes(pem))
    paths[2].write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


class _Picture(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tls_server(tmp_path, monkeypatch) -> Iterator[int]:
    """The port of a TLS server for HOST; HOST and `wrong.quorum.test` resolve to it, and
    outgoing https trusts this test's CA only."""
    ca_file, cert_file, key_file = _certificates(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Picture)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    real = socket.getaddrinfo

    def resolver(host, port, *args, **kwargs):
        if host in (HOST, "wrong.quorum.test"):
            host = "127.0.0.1"
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    monkeypatch.setattr(certifi, "where", lambda: str(ca_file))
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_https_import_checks_the_certificate_against_the_host_name(
    client, accounts, tls_server, fetch_file
):
    settings = client.app.state.settings
    settings.callback_allow_private = True  # the test server is on loopback
    headers = accounts["manager"].headers
    url = f"https://{HOST}:{tls_server}/pictures/a.png"
    imported = client.post("/v1/files/import", json={"file_url": url}, headers=headers)
    assert imported.status_code == 200, imported.text
    stored = imported.json()
    assert (stored["filename"], stored["mime_type"], stored["size"]) == ("a.png", "image/png", 14)
    assert fetch_file(stored["id"], headers).content == BODY

    wrong = f"https://wrong.quorum.test:{tls_server}/pictures/a.png"
    refused = client.post("/v1/files/import", json={"file_url": wrong}, headers=headers)
    assert refused.status_code == 400
    assert "could not be fetched" in refused.json()["error"], refused.text
