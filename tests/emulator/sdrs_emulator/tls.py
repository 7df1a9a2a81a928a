"""Self-signed CA and a server certificate for 127.0.0.1/localhost, reused across restarts."""

import datetime
import ipaddress
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

FILES = ("ca.pem", "ca-key.pem", "server.pem", "server-key.pem")


def ensure_certs(workdir: str) -> dict:
    """Return {"ca", "cert", "key"} paths in workdir; generate them once (EC P-256, fast)."""
    os.makedirs(workdir, exist_ok=True)
    paths = {name: os.path.join(workdir, name) for name in FILES}
    if not all(os.path.exists(p) for p in paths.values()):
        _generate(paths)
    return {"ca": os.path.abspath(paths["ca.pem"]), "cert": os.path.abspath(paths["server.pem"]),
            "key": os.path.abspath(paths["server-key.pem"])}


def _write(path: str, data: bytes, private: bool = False) -> None:
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    if private:
        os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _generate(paths: dict) -> None:
    now = datetime.datetime.now(datetime.timezone.utc)
    not_before, not_after = now - datetime.timedelta(days=1), now + datetime.timedelta(days=3650)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SDRS emulator test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(not_before).not_valid_after(not_after)
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(ca_ski, critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    san = x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                       x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                       x509.IPAddress(ipaddress.ip_address("::1"))])
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(san, critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=False, crl_sign=False,
                                         content_commitment=False, key_encipherment=True,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    nopass = serialization.NoEncryption()
    _write(paths["ca-key.pem"], ca_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, nopass), True)
    _write(paths["server-key.pem"], key.private_bytes(pem, serialization.PrivateFormat.PKCS8, nopass), True)
    _write(paths["server.pem"], cert.public_bytes(pem))
    _write(paths["ca.pem"], ca.public_bytes(pem))
