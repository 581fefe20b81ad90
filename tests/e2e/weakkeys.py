"""CSRs from deliberately weak RSA keys (small factor, close primes), built
with python3-cryptography from chosen primes."""

import subprocess

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def _prime(bits):
    return int(subprocess.run(["openssl", "prime", "-generate", "-bits", str(bits)], capture_output=True,
                              text=True, check=True).stdout)


def _is_prime(n):
    return "is prime" in subprocess.run(["openssl", "prime", str(n)], capture_output=True, text=True).stdout


def _key(p, q, e=65537):
    n, phi = p * q, (p - 1) * (q - 1)
    d = pow(e, -1, phi)
    return rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p),
                                 rsa.RSAPublicNumbers(e, n)).private_key()


def small_factor_key():
    p = 5003
    while True:
        q = _prime(2048 - p.bit_length())
        if (p * q).bit_length() == 2048:
            return _key(p, q)


def close_primes_key():
    p = _prime(1024)
    q = p + 2
    while not _is_prime(q):
        q += 2
    return _key(p, q)


def csr_body(key, cn, o, l, st):
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                      x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, st),
                      x509.NameAttribute(NameOID.LOCALITY_NAME, l),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, o),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    csr = x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA256())
    pem = csr.public_bytes(serialization.Encoding.PEM).decode()
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))
