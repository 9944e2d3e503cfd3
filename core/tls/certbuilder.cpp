#include "tls/certbuilder.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

namespace wslens::tls::detail {

namespace {

constexpr int UbCommonName = 64; // X.520 upper bound of a commonName

X509Ptr fail(QString *error, const char *what)
{
    const QString text = openSslError(what);
    if (error)
        *error = text;
    return nullptr;
}

bool setRandomSerial(X509 *certificate)
{
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        return false;
    bytes[0] &= 0x7f; // positive (DER INTEGER is signed) ...
    bytes[0] |= 0x40; // ... and always 16 significant bytes, never zero
    BignumPtr bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
    if (!bn)
        return false;
    Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    return serial && X509_set_serialNumber(certificate, serial.get()) == 1;
}

bool addNameEntry(X509_NAME *name, int nid, const QString &value)
{
    const QByteArray utf8 = value.toUtf8();
    return X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char *>(utf8.constData()),
                                      int(utf8.size()), -1, 0) == 1;
}

// Adds an extension given in OpenSSL's config syntax. `value` is always a
// constant of this file, never text from the network.
bool addExtension(X509 *certificate, X509V3_CTX *ctx, int nid, const char *value)
{
    X509ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, ctx, nid, value));
    return ext && X509_add_ext(certificate, ext.get(), -1) == 1;
}

// subjectAltName built as ASN.1 objects (no config string: host names come
// from untrusted peers and must not be parsed as syntax).
bool addSubjectAltName(X509 *certificate, const LeafName &name)
{
    GeneralNamesPtr names(GENERAL_NAMES_new());
    GENERAL_NAME *gn = GENERAL_NAME_new();
    if (!names || !gn)
        return false;
    if (name.isIp()) {
        ASN1_OCTET_STRING *ip = ASN1_OCTET_STRING_new();
        if (!ip || ASN1_OCTET_STRING_set(ip, reinterpret_cast<const unsigned char *>(name.ipBytes.constData()),
                                         int(name.ipBytes.size())) != 1) {
            ASN1_OCTET_STRING_free(ip);
            GENERAL_NAME_free(gn);
            return false;
        }
        GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
    } else {
        const QByteArray ascii = name.text.toLatin1();
        ASN1_IA5STRING *dns = ASN1_IA5STRING_new();
        if (!dns || ASN1_STRING_set(dns, ascii.constData(), int(ascii.size())) != 1) {
            ASN1_IA5STRING_free(dns);
            GENERAL_NAME_free(gn);
            return false;
        }
        GENERAL_NAME_set0_value(gn, GEN_DNS, dns);
    }
    if (sk_GENERAL_NAME_push(names.get(), gn) == 0) {
        GENERAL_NAME_free(gn);
        return false;
    }
    // Not critical: the subject is never empty (it always has an O, RFC 5280 4.2.1.6).
    return X509_add1_ext_i2d(certificate, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) == 1;
}

bool setValidity(X509 *certificate, int validityDays, const ASN1_TIME *notAfterLimit)
{
    // Backdated by one day: a client whose clock is a little behind still accepts it.
    if (!X509_time_adj_ex(X509_getm_notBefore(certificate), -1, 0, nullptr))
        return false;
    if (!X509_time_adj_ex(X509_getm_notAfter(certificate), validityDays - 1, 0, nullptr))
        return false;
    if (notAfterLimit && ASN1_TIME_compare(X509_get0_notAfter(certificate), notAfterLimit) > 0)
        return X509_set1_notAfter(certificate, notAfterLimit) == 1;
    return true;
}

// Copies a ready SubjectPublicKeyInfo into the certificate (see LeafKey).
bool setEncodedPublicKey(X509 *certificate, const X509_PUBKEY *encoded)
{
    ASN1_OBJECT *algorithm = nullptr;
    const unsigned char *bits = nullptr;
    int bitsLength = 0;
    X509_ALGOR *algor = nullptr;
    if (X509_PUBKEY_get0_param(&algorithm, &bits, &bitsLength, &algor, encoded) != 1 || !algor)
        return false;
    const ASN1_OBJECT *algorithmObject = nullptr;
    int parameterType = V_ASN1_UNDEF;
    const void *parameter = nullptr;
    X509_ALGOR_get0(&algorithmObject, &parameterType, &parameter, algor);
    void *parameterCopy = nullptr;
    if (parameterType == V_ASN1_OBJECT)
        parameterCopy = OBJ_dup(static_cast<const ASN1_OBJECT *>(parameter)); // the named curve
    else if (parameterType == V_ASN1_SEQUENCE)
        parameterCopy = ASN1_STRING_dup(static_cast<const ASN1_STRING *>(parameter));
    else if (parameterType != V_ASN1_NULL && parameterType != V_ASN1_UNDEF)
        return false;
    if ((parameterType == V_ASN1_OBJECT || parameterType == V_ASN1_SEQUENCE) && !parameterCopy)
        return false;
    auto *bitsCopy = static_cast<unsigned char *>(OPENSSL_memdup(bits, size_t(bitsLength)));
    ASN1_OBJECT *algorithmCopy = OBJ_dup(algorithmObject);
    if (!bitsCopy || !algorithmCopy
        || X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(certificate), algorithmCopy, parameterType,
                                  parameterCopy, bitsCopy, bitsLength) != 1) {
        OPENSSL_free(bitsCopy);
        ASN1_OBJECT_free(algorithmCopy);
        if (parameterType == V_ASN1_OBJECT)
            ASN1_OBJECT_free(static_cast<ASN1_OBJECT *>(parameterCopy));
        else
            ASN1_STRING_free(static_cast<ASN1_STRING *>(parameterCopy));
        return false;
    }
    return true;
}

} // namespace

bool makeLeafKey(LeafKey *out, QString *error)
{
    LeafKey leaf;
    leaf.key = generateP256Key(error);
    if (!leaf.key)
        return false;
    X509_PUBKEY *encoded = nullptr;
    if (X509_PUBKEY_set(&encoded, leaf.key.get()) != 1) {
        if (error)
            *error = openSslError("cannot encode the leaf public key");
        return false;
    }
    leaf.publicKey.reset(encoded);
    leaf.rsa = EVP_PKEY_get_base_id(leaf.key.get()) == EVP_PKEY_RSA;
    *out = std::move(leaf);
    return true;
}

PKeyPtr generateP256Key(QString *error)
{
    PKeyPtr key(EVP_EC_gen("P-256"));
    if (!key && error)
        *error = openSslError("cannot generate a P-256 key");
    return key;
}

X509Ptr makeCaCertificate(EVP_PKEY *key, const QString &commonName, int validityDays, QString *error)
{
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1 || !setRandomSerial(cert.get()))
        return fail(error, "cannot create the CA certificate");
    X509_NAME *name = X509_get_subject_name(cert.get());
    if (!addNameEntry(name, NID_organizationName, QStringLiteral("wslens"))
        || !addNameEntry(name, NID_commonName, commonName.left(UbCommonName))
        || X509_set_issuer_name(cert.get(), name) != 1)
        return fail(error, "cannot set the CA name");
    if (!setValidity(cert.get(), validityDays, nullptr) || X509_set_pubkey(cert.get(), key) != 1)
        return fail(error, "cannot set the CA validity or key");

    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    if (!addExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE")
        || !addExtension(cert.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign")
        || !addExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash")
        || !addExtension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always"))
        return fail(error, "cannot add the CA extensions");
    if (X509_sign(cert.get(), key, EVP_sha256()) <= 0)
        return fail(error, "cannot sign the CA certificate");
    return cert;
}

X509Ptr makeLeafCertificate(const LeafName &leafName, const LeafKey &leafKey, X509 *caCertificate,
                            EVP_PKEY *caKey, int validityDays, QString *error)
{
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1 || !setRandomSerial(cert.get()))
        return fail(error, "cannot create a certificate");
    X509_NAME *subject = X509_get_subject_name(cert.get());
    if (!addNameEntry(subject, NID_organizationName, QStringLiteral("wslens interception"))
        || (leafName.text.size() <= UbCommonName && !addNameEntry(subject, NID_commonName, leafName.text))
        || X509_set_issuer_name(cert.get(), X509_get_subject_name(caCertificate)) != 1)
        return fail(error, "cannot set the certificate names");
    if (!setValidity(cert.get(), validityDays, X509_get0_notAfter(caCertificate))
        || !setEncodedPublicKey(cert.get(), leafKey.publicKey.get()))
        return fail(error, "cannot set the certificate validity or key");

    const bool rsa = leafKey.rsa;
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, caCertificate, cert.get(), nullptr, nullptr, 0);
    if (!addExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE")
        || !addExtension(cert.get(), &ctx, NID_key_usage,
                         rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature")
        || !addExtension(cert.get(), &ctx, NID_ext_key_usage, "serverAuth")
        || !addExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash")
        || !addExtension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always")
        || !addSubjectAltName(cert.get(), leafName))
        return fail(error, "cannot add the certificate extensions");
    if (X509_sign(cert.get(), caKey, EVP_sha256()) <= 0)
        return fail(error, "cannot sign the certificate");
    return cert;
}

QByteArray certificateToPem(X509 *certificate)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1)
        return {};
    return bioContents(bio.get());
}

QByteArray certificateToDer(X509 *certificate)
{
    const int size = i2d_X509(certificate, nullptr);
    if (size <= 0)
        return {};
    QByteArray der(size, Qt::Uninitialized);
    auto *p = reinterpret_cast<unsigned char *>(der.data());
    if (i2d_X509(certificate, &p) != size)
        return {};
    return der;
}

QByteArray privateKeyToPem(EVP_PKEY *key)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return {};
    return bioContents(bio.get());
}

X509Ptr certificateFromPem(const QByteArray &pem)
{
    BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    ERR_clear_error();
    return cert;
}

PKeyPtr privateKeyFromPem(const QByteArray &pem)
{
    BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    // An empty passphrase callback: an encrypted key fails instead of prompting on a terminal.
    auto noPassword = [](char *, int, int, void *) { return 0; };
    PKeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassword, nullptr) : nullptr);
    ERR_clear_error();
    return key;
}

} // namespace wslens::tls::detail
