/* dimse-tls-info.c — the facts of a completed TLS handshake, for the
 * recorder, its exports and the command line */
#include "dimse-tls-info.h"

G_DEFINE_BOXED_TYPE (DimseTlsInfo, dimse_tls_info, dimse_tls_info_ref, dimse_tls_info_unref)

static void
tls_info_clear (DimseTlsInfo *info)
{
  g_free (info->protocol_version);
  g_free (info->ciphersuite_name);
  g_free (info->peer_subject);
  g_free (info->peer_issuer);
  g_clear_pointer (&info->peer_not_valid_before, g_date_time_unref);
  g_clear_pointer (&info->peer_not_valid_after, g_date_time_unref);
  g_free (info->peer_sha256);
}

DimseTlsInfo *
dimse_tls_info_ref (DimseTlsInfo *info)
{
  return g_atomic_rc_box_acquire (info);
}

void
dimse_tls_info_unref (DimseTlsInfo *info)
{
  g_atomic_rc_box_release_full (info, (GDestroyNotify) tls_info_clear);
}

static const char *
protocol_version_name (GTlsProtocolVersion version)
{
  switch (version)
    {
    case G_TLS_PROTOCOL_VERSION_SSL_3_0: return "SSL 3.0";
    case G_TLS_PROTOCOL_VERSION_TLS_1_0: return "TLS 1.0";
    case G_TLS_PROTOCOL_VERSION_TLS_1_1: return "TLS 1.1";
    case G_TLS_PROTOCOL_VERSION_TLS_1_2: return "TLS 1.2";
    case G_TLS_PROTOCOL_VERSION_TLS_1_3: return "TLS 1.3";
    case G_TLS_PROTOCOL_VERSION_DTLS_1_0: return "DTLS 1.0";
    case G_TLS_PROTOCOL_VERSION_DTLS_1_2: return "DTLS 1.2";
    case G_TLS_PROTOCOL_VERSION_UNKNOWN:
    default: return "unknown";
    }
}

/* As `openssl x509 -fingerprint -sha256` prints it, so that the two can be
 * compared by eye. */
static char *
sha256_fingerprint (GByteArray *der)
{
  g_autofree char *hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  GString *s = g_string_new (NULL);

  for (gsize i = 0; hex[i] != '\0' && hex[i + 1] != '\0'; i += 2)
    {
      if (s->len > 0)
        g_string_append_c (s, ':');
      g_string_append_c (s, g_ascii_toupper (hex[i]));
      g_string_append_c (s, g_ascii_toupper (hex[i + 1]));
    }
  return g_string_free (s, FALSE);
}

static void
read_certificate (DimseTlsInfo *info, GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;

  info->has_peer_certificate = TRUE;
  info->peer_subject = g_tls_certificate_get_subject_name (certificate);
  info->peer_issuer = g_tls_certificate_get_issuer_name (certificate);
  info->peer_not_valid_before = g_tls_certificate_get_not_valid_before (certificate);
  info->peer_not_valid_after = g_tls_certificate_get_not_valid_after (certificate);
  /* "certificate" is the DER of the certificate alone; the private key
   * has properties of its own, never read here. */
  g_object_get (certificate, "certificate", &der, NULL);
  if (der != NULL)
    info->peer_sha256 = sha256_fingerprint (der);
}

DimseTlsInfo *
dimse_tls_info_new (GTlsConnection *conn)
{
  DimseTlsInfo *info;
  GTlsCertificate *peer;

  g_return_val_if_fail (G_IS_TLS_CONNECTION (conn), NULL);
  info = g_atomic_rc_box_new0 (DimseTlsInfo);
  info->protocol_version = g_strdup (protocol_version_name (
                                       g_tls_connection_get_protocol_version (conn)));
  info->ciphersuite_name = g_tls_connection_get_ciphersuite_name (conn);
  peer = g_tls_connection_get_peer_certificate (conn);
  if (peer != NULL)
    read_certificate (info, peer);
  info->peer_errors = g_tls_connection_get_peer_certificate_errors (conn);
  return info;
}

DimseTlsInfo *
dimse_tls_info_new_for_transport (DimseTransport *transport)
{
  GIOStream *stream;

  g_return_val_if_fail (DIMSE_IS_TRANSPORT (transport), NULL);
  stream = dimse_transport_get_stream (transport);
  return G_IS_TLS_CONNECTION (stream) ? dimse_tls_info_new (G_TLS_CONNECTION (stream)) : NULL;
}

static const struct {
  GTlsCertificateFlags flag;
  const char          *words;
} certificate_errors[] = {
  { G_TLS_CERTIFICATE_UNKNOWN_CA, "signed by an unknown certificate authority" },
  { G_TLS_CERTIFICATE_BAD_IDENTITY, "not issued to the peer's host name or address" },
  { G_TLS_CERTIFICATE_NOT_ACTIVATED, "not valid yet" },
  { G_TLS_CERTIFICATE_EXPIRED, "expired" },
  { G_TLS_CERTIFICATE_REVOKED, "revoked" },
  { G_TLS_CERTIFICATE_INSECURE, "signed with an insecure algorithm" },
  { G_TLS_CERTIFICATE_GENERIC_ERROR, "could not be checked" },
};

char *
dimse_tls_info_describe_verification (const DimseTlsInfo *info)
{
  GString *s;

  g_return_val_if_fail (info != NULL, NULL);
  if (!info->has_peer_certificate)
    return g_strdup ("no certificate presented");
  if (info->peer_errors == 0)
    return g_strdup ("verified against the configured CA");
  s = g_string_new ("not verified:");
  for (guint i = 0; i < G_N_ELEMENTS (certificate_errors); i++)
    if (info->peer_errors & certificate_errors[i].flag)
      g_string_append_printf (s, "%s %s", s->str[s->len - 1] == ':' ? "" : ",",
                              certificate_errors[i].words);
  return g_string_free (s, FALSE);
}

char *
dimse_tls_info_format_time (GDateTime *time)
{
  g_autoptr(GDateTime) utc = NULL;

  if (time == NULL)
    return g_strdup ("");
  utc = g_date_time_to_utc (time);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

static const char *
or_unknown (const char *s)
{
  return s != NULL ? s : "(unknown)";
}

char *
dimse_tls_info_describe (const DimseTlsInfo *info, const char *indent)
{
  GString *s = g_string_new (NULL);
  g_autofree char *verification = NULL;

  g_return_val_if_fail (info != NULL, NULL);
  indent = indent != NULL ? indent : "";
  verification = dimse_tls_info_describe_verification (info);
  g_string_append_printf (s, "%sversion: %s\n%scipher suite: %s\n", indent,
                          info->protocol_version, indent, or_unknown (info->ciphersuite_name));
  if (info->has_peer_certificate)
    {
      g_autofree char *from = dimse_tls_info_format_time (info->peer_not_valid_before);
      g_autofree char *until = dimse_tls_info_format_time (info->peer_not_valid_after);

      g_string_append_printf (s, "%speer certificate subject: %s\n"
                              "%speer certificate issuer: %s\n"
                              "%speer certificate valid: %s to %s\n"
                              "%speer certificate SHA-256: %s\n",
                              indent, or_unknown (info->peer_subject),
                              indent, or_unknown (info->peer_issuer),
                              indent, from, until,
                              indent, or_unknown (info->peer_sha256));
    }
  g_string_append_printf (s, "%speer certificate: %s\n", indent, verification);
  return g_string_free (s, FALSE);
}
