-- inkan 006: certificate profiles as data.  One row per profile: the UPKI
-- profile IDs and inkan's own.  core/src/profile/ reads these rows; nothing
-- else in the code knows a profile ID.
CREATE TABLE profiles (
    id                  text PRIMARY KEY,
    kind                text NOT NULL
                        CHECK (kind IN ('server', 'client', 'smime', 'officer', 'acme', 'code-signing', 'tsa')),
    name_ja             text NOT NULL,
    name_en             text NOT NULL,
    key_types           text[] NOT NULL,    -- rsa-2048, ec-p256, ec-p384
    validity_days       integer CHECK (validity_days > 0),
    validity_months     integer CHECK (validity_months > 0),
    -- Which CA/Browser Forum cap bounds the validity: the TLS BR schedule
    -- (398/200/100/47 days), the S/MIME BR 825 days, or none.
    cabf_cap            text NOT NULL CHECK (cabf_cap IN ('tls', 'smime', 'none')),
    issuing_ca          text NOT NULL CHECK (issuing_ca IN ('officer', 'server-rsa', 'server-ecc', 'client')),
    extended_key_usage  text NOT NULL,      -- OpenSSL short names, comma-separated
    policy_oids_setting text,               -- the setting that lists the certificatePolicies OIDs
    lint                text NOT NULL CHECK (lint IN ('tls-server', 'officer', 'client', 'smime')),
    tsv_schema          text CHECK (tsv_schema IN ('server-13', 'client-15', 'acme')),
    delivery            text NOT NULL
                        CHECK (delivery IN ('download-link', 'pkcs12-pin', 'acme-order', 'officer-pickup')),
    issuable            boolean NOT NULL,   -- false: refused, with replaced_by named
    replaced_by         text REFERENCES profiles,
    CHECK ((validity_days IS NULL) <> (validity_months IS NULL))
);

INSERT INTO profiles (id, kind, name_ja, name_en, key_types, validity_days, validity_months, cabf_cap, issuing_ca,
                      extended_key_usage, policy_oids_setting, lint, tsv_schema, delivery, issuable, replaced_by)
VALUES
    ('3', 'server', 'サーバ証明書 (RSA)', 'Server certificate (RSA)', '{rsa-2048}', 198, NULL, 'tls', 'server-rsa',
     'serverAuth', 'server_policy_oids', 'tls-server', 'server-13', 'download-link', true, NULL),
    ('11', 'server', 'サーバ証明書 (ECDSA)', 'Server certificate (ECDSA)', '{ec-p384}', 198, NULL, 'tls', 'server-ecc',
     'serverAuth', 'server_policy_oids', 'tls-server', 'server-13', 'download-link', true, NULL),
    ('14', 'client', 'クライアント証明書 (25か月)', 'Client certificate (25 months)', '{rsa-2048}', NULL, 25, 'none',
     'client', 'clientAuth', NULL, 'client', 'client-15', 'pkcs12-pin', false, NULL),
    ('13', 'client', 'クライアント証明書 (13か月)', 'Client certificate (13 months)', '{rsa-2048}', NULL, 13, 'none',
     'client', 'clientAuth', NULL, 'client', 'client-15', 'pkcs12-pin', false, NULL),
    ('16', 'smime', 'S/MIME証明書 (25か月)', 'S/MIME certificate (25 months)', '{rsa-2048}', NULL, 25, 'smime',
     'client', 'emailProtection', NULL, 'smime', 'client-15', 'pkcs12-pin', false, NULL),
    ('15', 'smime', 'S/MIME証明書 (13か月)', 'S/MIME certificate (13 months)', '{rsa-2048}', NULL, 13, 'smime',
     'client', 'emailProtection', NULL, 'smime', 'client-15', 'pkcs12-pin', false, NULL),
    ('5', 'client', 'クライアント証明書 (52か月, 廃止)', 'Client certificate (52 months, withdrawn)', '{rsa-2048}', NULL, 52,
     'none', 'client', 'clientAuth', NULL, 'client', 'client-15', 'pkcs12-pin', false, '14'),
    ('7', 'smime', 'S/MIME証明書 (52か月, 廃止)', 'S/MIME certificate (52 months, withdrawn)', '{rsa-2048}', NULL, 52,
     'smime', 'client', 'emailProtection', NULL, 'smime', 'client-15', 'pkcs12-pin', false, '16'),
    ('officer', 'officer', '登録担当者証明書', 'Officer certificate', '{rsa-2048}', 365, NULL, 'none', 'officer',
     'clientAuth', NULL, 'officer', NULL, 'officer-pickup', true, NULL);

COMMENT ON TABLE profiles IS 'Certificate profiles; client and S/MIME rows become issuable when that kind lands';

-- Officer certificates name their profile like every other certificate.
UPDATE certificates SET profile = 'officer' WHERE kind = 'officer' AND profile IS NULL;

GRANT SELECT ON profiles TO inkan_ra, inkan_ca, inkan_mail;
