"""A small ACME (RFC 8555) client for protocol tests: every request is built
here, so a test can break exactly one rule.  Real clients (certbot, lego,
dehydrated, uacme, mod_md) are in test_acme_clients.py."""

import base64
import hashlib
import hmac
import json
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID


def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _int_bytes(n, size=None):
    size = size or (n.bit_length() + 7) // 8
    return n.to_bytes(size, "big")


class AccountKey:
    """An account key with its JWK and JWS algorithm."""

    def __init__(self, kind="ES256"):
        self.alg = kind
        if kind == "ES256":
            self.key = ec.generate_private_key(ec.SECP256R1())
        elif kind == "ES384":
            self.key = ec.generate_private_key(ec.SECP384R1())
        elif kind == "RS256":
            self.key = rsa.generate_private_key(65537, 2048)
        elif kind == "EdDSA":
            self.key = ed25519.Ed25519PrivateKey.generate()
        else:
            raise ValueError(kind)

    @property
    def jwk(self):
        pub = self.key.public_key()
        if self.alg == "RS256":
            n = pub.public_numbers()
            return {"e": b64(_int_bytes(n.e)), "kty": "RSA", "n": b64(_int_bytes(n.n))}
        if self.alg == "EdDSA":
            raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return {"crv": "Ed25519", "kty": "OKP", "x": b64(raw)}
        n = pub.public_numbers()
        size = 32 if self.alg == "ES256" else 48
        return {"crv": "P-256" if size == 32 else "P-384", "kty": "EC", "x": b64(_int_bytes(n.x, size)),
                "y": b64(_int_bytes(n.y, size))}

    def thumbprint(self):
        return b64(hashlib.sha256(json.dumps(self.jwk, sort_keys=True, separators=(",", ":")).encode()).digest())

    def sign(self, data):
        if self.alg == "RS256":
            return self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        if self.alg == "EdDSA":
            return self.key.sign(data)
        size = 32 if self.alg == "ES256" else 48
        r, s = decode_dss_signature(self.key.sign(data, ec.ECDSA(hashes.SHA256() if size == 32 else hashes.SHA384())))
        return _int_bytes(r, size) + _int_bytes(s, size)


def jws(key, protected, payload):
    """Flattened JWS; payload None means POST-as-GET (empty payload)."""
    p = b64(json.dumps(protected))
    body = "" if payload is None else b64(json.dumps(payload) if not isinstance(payload, (bytes, str)) else payload)
    return {"protected": p, "payload": body, "signature": b64(key.sign(f"{p}.{body}".encode()))}


def eab(kid, hmac_key, url, account_key):
    protected = b64(json.dumps({"alg": "HS256", "kid": kid, "url": url}))
    payload = b64(json.dumps(account_key.jwk))
    mac = hmac.new(unb64(hmac_key), f"{protected}.{payload}".encode(), hashlib.sha256).digest()
    return {"protected": protected, "payload": payload, "signature": b64(mac)}


def _headers(message):
    """Lower-case names; repeated headers (Link) joined with ", "."""
    out = {}
    for k, v in message.items():
        out[k.lower()] = f"{out[k.lower()]}, {v}" if k.lower() in out else v
    return out


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def problem(self):
        """The ACME error type without its URN prefix."""
        assert self.headers.get("content-type") == "application/problem+json", (self.status, self.body)
        return self.json["type"].rsplit(":", 1)[-1]


class Acme:
    def __init__(self, directory_url, ca_file, key=None):
        self.directory_url = directory_url
        self.ctx = ssl.create_default_context(cafile=str(ca_file))
        self.key = key or AccountKey()
        self.kid = None
        self.dir = self.http("GET", directory_url).json
        self.nonce = None

    def http(self, method, url, body=None, headers=None):
        req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, context=self.ctx, timeout=30) as r:
                return Answer(r.status, _headers(r.headers), r.read())
        except urllib.error.HTTPError as e:
            return Answer(e.code, _headers(e.headers), e.read())

    def fresh_nonce(self):
        return self.http("HEAD", self.dir["newNonce"]).headers["replay-nonce"]

    def post(self, url, payload, use_jwk=False, key=None, nonce=None, protected_extra=None, content_type=None,
             raw_body=None):
        key = key or self.key
        protected = {"alg": key.alg, "nonce": nonce or self.nonce or self.fresh_nonce(), "url": url}
        if use_jwk or not self.kid:
            protected["jwk"] = key.jwk
        else:
            protected["kid"] = self.kid
        protected.update(protected_extra or {})
        body = raw_body if raw_body is not None else json.dumps(jws(key, protected, payload)).encode()
        answer = self.http("POST", url, body, {"Content-Type": content_type or "application/jose+json"})
        self.nonce = answer.headers.get("replay-nonce")
        return answer

    def new_account(self, eab_kid=None, eab_hmac=None, **extra):
        payload = {"termsOfServiceAgreed": True, "contact": ["mailto:admin@example.ac.jp"], **extra}
        if eab_kid:
            payload["externalAccountBinding"] = eab(eab_kid, eab_hmac, self.dir["newAccount"], self.key)
        r = self.post(self.dir["newAccount"], payload, use_jwk=True)
        if r.status in (200, 201):
            self.kid = r.headers["location"]
        return r

    def new_order(self, names, **extra):
        return self.post(self.dir["newOrder"], {"identifiers": [{"type": "dns", "value": n} for n in names], **extra})

    def poll_order(self, url, timeout=60):
        deadline = time.time() + timeout
        while True:
            r = self.post(url, None)
            if r.json["status"] not in ("processing", "pending", "ready") or time.time() > deadline:
                return r
            time.sleep(0.2)

    def finalize(self, order, csr_der):
        return self.post(order["finalize"], {"csr": b64(csr_der)})

    def obtain(self, names, key_type="rsa"):
        """newOrder -> finalize -> valid -> chain; returns (order URL, chain PEM, certificate key)."""
        r = self.new_order(names)
        assert r.status == 201, r.body
        order_url = r.headers["location"]
        cert_key, der = csr(names, key_type)
        f = self.finalize(r.json, der)
        assert f.status == 200, f.body
        done = self.poll_order(order_url)
        assert done.json["status"] == "valid", done.body
        chain = self.post(done.json["certificate"], None)
        assert chain.status == 200, chain.body
        return order_url, chain, cert_key


def csr(names, key_type="rsa", cn=True):
    key = rsa.generate_private_key(65537, 2048) if key_type == "rsa" else ec.generate_private_key(
        ec.SECP384R1() if key_type == "p384" else ec.SECP256R1())
    builder = x509.CertificateSigningRequestBuilder()
    if cn:
        builder = builder.subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
    builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
    req = builder.sign(key, hashes.SHA256())
    return key, req.public_bytes(serialization.Encoding.DER)


def pem_certs(data):
    """Every certificate of a PEM chain, in order (cryptography 38 has no load_pem_x509_certificates)."""
    end = b"-----END CERTIFICATE-----"
    return [x509.load_pem_x509_certificate(part.strip() + b"\n" + end + b"\n")
            for part in data.split(end) if part.strip()]


def cert_id(cert):
    """RFC 9773 certificate identifier."""
    aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
    serial = cert.serial_number.to_bytes((cert.serial_number.bit_length() + 8) // 8, "big")
    return f"{b64(aki)}.{b64(serial)}"


def register(world, officer, names, profile="3", apply_type="1", account_id="", subscriber="admin@example.ac.jp"):
    """An ACME create (or update) line uploaded by the officer; returns the upload's answer."""
    inst = officer.inst
    dn = f"CN={names[0]},O={inst['name_en']},L=Chiyoda-ku,ST=Tokyo,C=JP"
    sans = ",".join(f"dNSName={n}" for n in names[1:])
    line = "\t".join([dn, profile, account_id, "", "", "", "", "Taro Admin", "Computing Center", subscriber,
                      names[0], "nginx 1.22", sans])
    return world.client.post(world.local.url(officer.server, "/ra/api/v1/batches"), cert=officer.cert,
                             headers={"X-CSRF-Token": officer.csrf},
                             files={"file": ("acme.tsv", (line + "\r\n").encode())},
                             fields={"applyType": apply_type, "errorFlg": "1", "kind": "acme"})


def eab_of(upload):
    """(account ID, kid, HMAC key) from the first line of an ACME upload answer."""
    assert upload.status == 200, upload.text
    line = upload.json["lines"][0]
    assert line["result"] == "OK", line
    kid, hmac_key = line["acme"]["eab_kid"], line["acme"]["eab_hmac_key"]
    # Pasted after a client's option, a leading '-' would read as another option.
    assert kid[0].isalnum() and hmac_key[0].isalnum(), (kid, hmac_key)
    return line["acme"]["account_id"], kid, hmac_key
