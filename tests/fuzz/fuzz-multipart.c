/* fuzz-multipart.c — the multipart/related push parser of WADO-RS and
 * STOW-RS (src/dimse/web/dimse-web-multipart.c) on arbitrary bytes
 *
 * The first byte picks the boundary ("B0undary", or learnt from the first
 * delimiter line when odd) and the size of the pieces the rest is fed in;
 * whatever the pieces, the parser must see the same parts with the same
 * bytes as when the body comes in one piece, call begin and end
 * alternately, never hand over an empty piece of data, and finish only
 * after its close delimiter.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dimse-web-multipart.h"

#define FUZZ_MULTIPART_MAX_INPUT (256 * 1024)

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef struct {
  guint    n_begun;
  guint    n_ended;
  gboolean in_part;
  guint32  digest;     /* of every part's bytes, in order, with the part boundaries */
  gsize    n_bytes;
} Trace;

static void
mix (Trace *t, const guint8 *data, gsize len)
{
  for (gsize i = 0; i < len; i++)
    t->digest = (t->digest ^ data[i]) * 16777619u;
}

static gboolean
on_begin (const char *content_type, const char *content_location, gpointer user_data,
          GError **error)
{
  Trace *t = user_data;

  (void) error;
  if (t->in_part)
    abort ();
  if (content_type != NULL && !g_utf8_validate (content_type, -1, NULL))
    abort ();
  if (content_location != NULL && !g_utf8_validate (content_location, -1, NULL))
    abort ();
  t->in_part = TRUE;
  t->n_begun++;
  mix (t, (const guint8 *) "<", 1);
  return TRUE;
}

static gboolean
on_data (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  Trace *t = user_data;

  (void) error;
  if (!t->in_part || len == 0)
    abort ();
  mix (t, data, len);
  t->n_bytes += len;
  return TRUE;
}

static gboolean
on_end (gpointer user_data, GError **error)
{
  Trace *t = user_data;

  (void) error;
  if (!t->in_part)
    abort ();
  t->in_part = FALSE;
  t->n_ended++;
  mix (t, (const guint8 *) ">", 1);
  return TRUE;
}

static const DimseWebMultipartCallbacks callbacks = { on_begin, on_data, on_end };

/* Feeds body in pieces of piece bytes; returns whether the whole parse
 * (finish included) succeeded. */
static gboolean
run (const char *boundary, const guint8 *body, gsize len, gsize piece, Trace *t)
{
  g_autoptr(DimseWebMultipart) parser = dimse_web_multipart_new (boundary, &callbacks, t);
  gboolean ok = TRUE;

  memset (t, 0, sizeof *t);
  t->digest = 2166136261u;
  for (gsize at = 0; ok && at < len; at += piece)
    ok = dimse_web_multipart_feed (parser, body + at, MIN (piece, len - at), NULL);
  if (ok)
    ok = dimse_web_multipart_finish (parser, NULL);
  if (dimse_web_multipart_get_n_parts (parser) != t->n_ended)
    abort ();
  if (ok && (t->in_part || t->n_begun != t->n_ended))
    abort ();
  return ok;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *boundary;
  gsize piece;
  Trace whole, pieces;
  gboolean ok_whole, ok_pieces;

  if (size < 1 || size > FUZZ_MULTIPART_MAX_INPUT)
    return 0;
  boundary = (data[0] & 1) ? NULL : "B0undary";
  piece = 1 + (data[0] >> 1);
  ok_whole = run (boundary, data + 1, size - 1, size, &whole);
  ok_pieces = run (boundary, data + 1, size - 1, piece, &pieces);
  /* Pieces change nothing of what is parsed, up to an error. */
  if (ok_whole != ok_pieces)
    abort ();
  if (ok_whole && (whole.digest != pieces.digest || whole.n_ended != pieces.n_ended
                   || whole.n_bytes != pieces.n_bytes))
    abort ();
  return 0;
}
