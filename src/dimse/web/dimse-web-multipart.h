/* dimse-web-multipart.h — a push parser of multipart/related bodies
 * (RFC 2046 §5.1.1, RFC 2387) as WADO-RS sends them and STOW-RS receives
 * them (PS3.18 §8.7.3): bytes go in as they arrive, in pieces of any
 * size, and each part comes out as its headers, its data in pieces and
 * its end, so that no part is ever held whole in memory */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* RFC 2046 §5.1.1: a boundary has 1 to 70 characters. */
#define DIMSE_WEB_MULTIPART_MAX_BOUNDARY 70

typedef struct {
  /* A part starts; content_type is its Content-Type header (NULL when
   * it has none), content_location its Content-Location (or NULL). */
  gboolean (*part_begin) (const char *content_type, const char *content_location,
                          gpointer user_data, GError **error);
  /* The next bytes of the part's body (never 0 of them). */
  gboolean (*part_data) (const guint8 *data, gsize len, gpointer user_data, GError **error);
  /* The part's body is whole: its closing boundary was read. */
  gboolean (*part_end) (gpointer user_data, GError **error);
} DimseWebMultipartCallbacks;

typedef struct _DimseWebMultipart DimseWebMultipart;

/* A parser for the body of a message whose Content-Type had `boundary`
 * (NULL: learnt from the first delimiter line, "--" and 1 to 70
 * characters, for a server that leaves it out of the header). */
DimseWebMultipart *dimse_web_multipart_new (const char *boundary,
                                            const DimseWebMultipartCallbacks *callbacks,
                                            gpointer user_data);
void               dimse_web_multipart_free (DimseWebMultipart *parser);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DimseWebMultipart, dimse_web_multipart_free)

/* Parses the next len bytes of the body. Errors: DIMSE_WEB_ERROR_RESPONSE_INVALID
 * with a sentence naming the part and the byte offset (a bad delimiter
 * line, a header block over 16 KiB, a bad boundary), or a callback's
 * error. After an error the parser takes nothing more. */
gboolean dimse_web_multipart_feed (DimseWebMultipart *parser, const guint8 *data, gsize len,
                                   GError **error);
/* The body ended: fails (DIMSE_WEB_ERROR_RESPONSE_INVALID) unless the close
 * delimiter was read, saying where the body was cut off. */
gboolean dimse_web_multipart_finish (DimseWebMultipart *parser, GError **error);

/* Parts whose part_end was called so far. */
guint    dimse_web_multipart_get_n_parts (DimseWebMultipart *parser);
/* Whether a part has begun and not ended (so its sink holds a partial part). */
gboolean dimse_web_multipart_in_part (DimseWebMultipart *parser);

/* A boundary for a body we send: "DimseBench-" and 32 random hex digits. */
char    *dimse_web_multipart_new_boundary (void);

G_END_DECLS
