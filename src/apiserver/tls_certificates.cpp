#include "apiserver/tls_certificates.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace flotilla::apiserver {

namespace {

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertDeleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyDeleter>;
using CertPtr = std::unique_ptr<X509, CertDeleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

KeyPtr generateKey() {
  return KeyPtr(EVP_EC_gen("P-256"));
}

std::string bioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

std::string certPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  return bioText(bio.get());
}

std::string keyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  return bioText(bio.get());
}

CertPtr readCert(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return CertPtr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

KeyPtr readKey(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return KeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

bool addExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

struct CertSpec {
  std::string commonName;
  std::vector<std::string> organizations;
  bool ca = false;
  std::string extendedKeyUsage;  // serverAuth | clientAuth
  std::vector<std::string> hosts;
};

CertPtr makeCertificate(const CertSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuerKey, std::string& error) {
  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[8];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;  // positive, as Go's x509 requires
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  for (const auto& org : spec.organizations) {
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(org.c_str()), -1, -1, 0);
  }
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(spec.commonName.c_str()),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  bool ok = true;
  if (spec.ca) {
    ok = ok && addExtension(cert.get(), issuer, NID_basic_constraints, "critical,CA:TRUE");
    ok = ok && addExtension(cert.get(), issuer, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
  } else {
    ok = ok && addExtension(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE");
    ok = ok && addExtension(cert.get(), issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    ok = ok && addExtension(cert.get(), issuer, NID_ext_key_usage, spec.extendedKeyUsage);
  }
  ok = ok && addExtension(cert.get(), issuer, NID_subject_key_identifier, "hash");
  if (issuer) ok = ok && addExtension(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
  if (!spec.hosts.empty()) {
    std::string sans;
    for (const auto& host : spec.hosts) {
      unsigned char buffer[16];
      bool ip = inet_pton(AF_INET, host.c_str(), buffer) == 1 || inet_pton(AF_INET6, host.c_str(), buffer) == 1;
      sans += (sans.empty() ? "" : ",") + std::string(ip ? "IP:" : "DNS:") + host;
    }
    ok = ok && addExtension(cert.get(), issuer, NID_subject_alt_name, sans);
  }
  if (!ok || X509_sign(cert.get(), issuerKey, EVP_sha256()) == 0) {
    error = "could not build certificate for " + spec.commonName;
    return nullptr;
  }
  return cert;
}

bool writeFile(const std::filesystem::path& path, const std::string& text, bool secret) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return false;
  out << text;
  out.close();
  if (secret) ::chmod(path.c_str(), 0600);
  return static_cast<bool>(out);
}

std::optional<std::string> readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::optional<CertificateBundle> generateCertificates(const std::vector<std::string>& hosts, std::string& error) {
  KeyPtr caKey = generateKey(), serverKey = generateKey(), clientKey = generateKey();
  if (!caKey || !serverKey || !clientKey) {
    error = "could not generate EC keys";
    return std::nullopt;
  }
  CertPtr ca = makeCertificate({"flotilla-apiserver-ca", {}, true, "", {}}, caKey.get(), nullptr, caKey.get(), error);
  if (!ca) return std::nullopt;
  CertPtr server = makeCertificate({"flotilla-apiserver", {}, false, "serverAuth", hosts}, serverKey.get(), ca.get(),
                                   caKey.get(), error);
  CertPtr client = makeCertificate({"flotilla-admin", {"system:masters"}, false, "clientAuth", {}}, clientKey.get(),
                                   ca.get(), caKey.get(), error);
  if (!server || !client) return std::nullopt;
  return CertificateBundle{certPem(ca.get()),       keyPem(caKey.get()),   certPem(server.get()),
                           keyPem(serverKey.get()), certPem(client.get()), keyPem(clientKey.get())};
}

std::optional<std::pair<std::string, std::string>> issueClientCertificate(const CertificateBundle& bundle,
                                                                          const std::string& commonName,
                                                                          const std::vector<std::string>& groups,
                                                                          std::string& error) {
  CertPtr ca = readCert(bundle.caCertPem);
  KeyPtr caKey = readKey(bundle.caKeyPem);
  KeyPtr key = generateKey();
  if (!ca || !caKey || !key) {
    error = "could not read the CA";
    return std::nullopt;
  }
  CertPtr cert =
      makeCertificate({commonName, groups, false, "clientAuth", {}}, key.get(), ca.get(), caKey.get(), error);
  if (!cert) return std::nullopt;
  return std::make_pair(certPem(cert.get()), keyPem(key.get()));
}

bool saveCertificates(const CertificateBundle& bundle, const std::string& dir, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::filesystem::path base(dir);
  bool ok = writeFile(base / "ca.crt", bundle.caCertPem, false) && writeFile(base / "ca.key", bundle.caKeyPem, true) &&
            writeFile(base / "server.crt", bundle.serverCertPem, false) &&
            writeFile(base / "server.key", bundle.serverKeyPem, true) &&
            writeFile(base / "client.crt", bundle.clientCertPem, false) &&
            writeFile(base / "client.key", bundle.clientKeyPem, true);
  if (!ok) error = "could not write certificates to " + dir;
  return ok;
}

std::optional<CertificateBundle> loadCertificates(const std::string& dir) {
  std::filesystem::path base(dir);
  CertificateBundle bundle;
  std::pair<const char*, std::string*> files[] = {
      {"ca.crt", &bundle.caCertPem},         {"ca.key", &bundle.caKeyPem},
      {"server.crt", &bundle.serverCertPem}, {"server.key", &bundle.serverKeyPem},
      {"client.crt", &bundle.clientCertPem}, {"client.key", &bundle.clientKeyPem}};
  for (auto& [file, target] : files) {
    auto text = readFile(base / file);
    if (!text) return std::nullopt;
    *target = *text;
  }
  return bundle;
}

}  // namespace flotilla::apiserver
