"""Signing an extract's PDF (PAdES baseline B, with pyHanko) with the platform's key.

Production reads the department's key and certificate from ``KUAIJI_EXTRACT_SIGNING_KEY`` and
``KUAIJI_EXTRACT_SIGNING_CERT`` (PEM paths; ``KUAIJI_EXTRACT_SIGNING_PASSPHRASE`` for an encrypted key)
and refuses to sign without them. The demo makes a self-signed certificate once under ``var/`` (so
extracts keep verifying across restarts); the tests make one per process, in memory. Nothing here
reaches the network: no timestamp server, no revocation lists (a verifier checks the certificate's
chain itself; the verification page is the platform's own answer).
"""

import functools
import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko_certvalidator.registry import SimpleCertificateStore

logger = logging.getLogger(__name__)

DEMO_COMMON_NAME = "会计人员信息管理平台（演示）"
FIELD_NAME = "KuaijiExtractSignature"


class SigningUnavailable(Exception):
    """No signing key is configured (production) or it cannot be read."""


@dataclass(frozen=True)
class SigningMaterial:
    key_pem: bytes
    cert_pem: bytes
    passphrase: bytes | None


def sign_pdf(pdf: bytes, *, reason: str, location: str) -> bytes:
    """``pdf`` signed with the platform's key (a new revision holding the signature); raises
    SigningUnavailable when there is no key to sign with."""
    signer = _signer()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=signing_certificate().subject.native.get("common_name"),
    )
    output = signers.sign_pdf(writer, metadata, signer=signer)
    return output.getvalue()


def signing_certificate() -> asn1_x509.Certificate:
    """The certificate extracts are signed with (what a verifier trusts)."""
    return _signer().signing_cert


@functools.cache
def _signer_for(material: SigningMaterial) -> signers.SimpleSigner:
    try:
        key = load_private_key_from_pemder_data(material.key_pem, passphrase=material.passphrase)
        cert = _load_cert(material.cert_pem)
    except (ValueError, TypeError, OSError) as error:
        raise SigningUnavailable(f"the extract signing key or certificate cannot be read: {error}") from error
    return signers.SimpleSigner(
        signing_cert=cert, signing_key=key, cert_registry=SimpleCertificateStore.from_certs([cert])
    )


def _load_cert(pem: bytes) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    )


def _signer() -> signers.SimpleSigner:
    return _signer_for(_material())


def _material() -> SigningMaterial:
    key_path = getattr(settings, "KUAIJI_EXTRACT_SIGNING_KEY", "")
    cert_path = getattr(settings, "KUAIJI_EXTRACT_SIGNING_CERT", "")
    passphrase = getattr(settings, "KUAIJI_EXTRACT_SIGNING_PASSPHRASE", "") or None
    if key_path and cert_path:
        try:
            return SigningMaterial(
                Path(key_path).read_bytes(),
                Path(cert_path).read_bytes(),
                passphrase.encode() if passphrase else None,
            )
        except OSError as error:
            raise SigningUnavailable(
                f"the extract signing key or certificate cannot be read: {error}"
            ) from error
    if settings.IS_PRODUCTION:
        raise SigningUnavailable("KUAIJI_EXTRACT_SIGNING_KEY and KUAIJI_EXTRACT_SIGNING_CERT must be set")
    if settings.IS_TEST:
        return _test_material()
    return _demo_material(Path(settings.VAR_DIR) / "extract-signing")


@functools.cache
def _test_material() -> SigningMaterial:
    key_pem, cert_pem = _self_signed(DEMO_COMMON_NAME)
    return SigningMaterial(key_pem, cert_pem, None)


def _demo_material(folder: Path) -> SigningMaterial:
    key_file, cert_file = folder / "key.pem", folder / "cert.pem"
    if not (key_file.exists() and cert_file.exists()):
        folder.mkdir(parents=True, exist_ok=True)
        key_pem, cert_pem = _self_signed(DEMO_COMMON_NAME)
        key_file.write_bytes(key_pem)
        key_file.chmod(0o600)
        cert_file.write_bytes(cert_pem)
        logger.info("extracts: made a self-signed demo signing certificate in %s", folder)
    return SigningMaterial(key_file.read_bytes(), cert_file.read_bytes(), None)


def _self_signed(common_name: str) -> tuple[bytes, bytes]:
    """A new RSA key and a ten-year self-signed certificate for it (key PEM, certificate PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)
