"""A self-signed certificate for serving MentorHub over HTTPS on the LAN.

Browsers only give camera and microphone to secure contexts, so a phone on
the same network needs HTTPS to join a live session: `make run-https`.
"""

import ipaddress
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.management.base import BaseCommand, CommandError


def lan_addresses() -> list[str]:
    """The machine's own addresses (what a phone on the LAN would type)."""
    found = set()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # no packet is sent for UDP connect
            found.add(probe.getsockname()[0])
    except OSError:
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(info[4][0])
    except OSError:
        pass
    return sorted(a for a in found if not a.startswith("127."))


class Command(BaseCommand):
    help = "Create a self-signed TLS certificate (EC P-256) for localhost and the LAN addresses."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="certs", help="directory for cert.pem and key.pem")
        parser.add_argument("--host", action="append", default=[], help="extra DNS name or IP")
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--force", action="store_true", help="replace an existing certificate")

    def handle(self, *args, out, host, days, force, **options):
        if days < 1 or days > 825:
            raise CommandError("--days must be between 1 and 825")
        out_dir = Path(out)
        cert_path, key_path = out_dir / "cert.pem", out_dir / "key.pem"
        if cert_path.exists() and key_path.exists() and not force:
            self.stdout.write(f"Using the existing certificate in {out_dir}/ (--force to renew).")
            return
        names = ["localhost", "127.0.0.1", "::1", *lan_addresses(), *host]
        alt_names = []
        for name in dict.fromkeys(names):
            try:
                alt_names.append(x509.IPAddress(ipaddress.ip_address(name)))
            except ValueError:
                alt_names.append(x509.DNSName(name))
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "MentorHub development")])
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
            )
            .sign(key, hashes.SHA256())
        )
        out_dir.mkdir(parents=True, exist_ok=True)
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        key_path.chmod(0o600)
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        self.stdout.write(self.style.SUCCESS(f"Wrote {cert_path} and {key_path}"))
        self.stdout.write("Valid for: " + ", ".join(dict.fromkeys(names)))
