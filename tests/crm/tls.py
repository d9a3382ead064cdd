"""A certificate authority and a certificate for 127.0.0.1 it signed, made once per test process, so a stand-in can
serve HTTPS on loopback as the real API does and a client can verify it (trust `ca_file`)."""

from __future__ import annotations

import functools
import ipaddress
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALID = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))  # fixed: no wall clock


@dataclass(frozen=True)
class LoopbackCertificate:
    ca_file: str  # what a client trusts
    cert_file: str  # the server's certificate, for 127.0.0.1 and localhost
    key_file: str


def _certificate(subject: str, issuer: x509.Name | None, key: ec.EllipticCurvePrivateKey,
                 signer: ec.EllipticCurvePrivateKey, ca: bool) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer or name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(VALID[0]).not_valid_after(VALID[1])
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False, encipher_only=False,
            decipher_only=False), critical=True)
    else:
        builder = (builder
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                               x509.DNSName("localhost")]), critical=False)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
    return builder.sign(signer, hashes.SHA256())


@functools.cache
def loopback_certificate() -> LoopbackCertificate:
    folder = Path(tempfile.mkdtemp(prefix="standin-tls-"))
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("stand-in test CA", None, ca_key, ca_key, ca=True)
    cert = _certificate("127.0.0.1", ca.subject, key, ca_key, ca=False)
    paths = LoopbackCertificate(str(folder / "ca.pem"), str(folder / "cert.pem"), str(folder / "key.pem"))
    Path(paths.ca_file).write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    Path(paths.cert_file).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    Path(paths.key_file).write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return paths
