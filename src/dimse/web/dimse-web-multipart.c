/* dimse-web-multipart.c — multipart/related, parsed as it arrives
 * (RFC 2046 §5.1.1) */
#include "config.h"

#include "dimse-web-multipart.h"

#include <string.h>
#include <glib/gi18n.h>

#include "dimse-web-error.h"

/* A header block larger than this is not a DICOMweb part's. */
#define MULTIPART_MAX_HEADERS (16 * 1024)
/* What may come before the first delimiter when the boundary is learnt,
 * and the transport padding after a delimiter (RFC 2046 §5.1.1). */
#define MULTIPART_MAX_PREAMBLE_LEARNT 4096
#define MULTIPART_MAX_PADDING 1024

typedef enum {
  STATE_LEARN,            /* the boundary is read from the first delimiter line */
  STATE_PREAMBLE,
  STATE_AFTER_DELIMITER,  /* "--" closes, else padding and CRLF, then headers */
  STATE_HEADERS,
  STATE_BODY,
  STATE_EPILOGUE,
} State;

struct _DimseWebMultipart {
  DimseWebMultipartCallbacks callbacks;
  gpointer                   user_data;
  char                      *delimiter;      /* CRLF "--" boundary */
  gsize                      delimiter_len;
  State                      state;
  GByteArray                *buf;
  gsize                      pos;            /* first byte of buf not yet consumed */
  gint64                     buf_offset;     /* body offset of buf->data[0] */
  guint64                    part_bytes;     /* of the part being read */
  guint                      n_parts;
  gboolean                   failed;
};

static void
set_delimiter (DimseWebMultipart *self, const char *boundary)
{
  g_free (self->delimiter);
  self->delimiter = g_strconcat ("\r\n--", boundary, NULL);
  self->delimiter_len = strlen (self->delimiter);
}

static gboolean
boundary_is_valid (const char *boundary, gsize len)
{
  /* RFC 2046 §5.1.1 bchars: digits, letters and '()+_,-./:=? and space
   * (not last). */
  static const char extra[] = "'()+_,-./:=? ";

  if (len == 0 || len > DIMSE_WEB_MULTIPART_MAX_BOUNDARY || boundary[len - 1] == ' ')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (boundary[i]) && (boundary[i] == '\0'
                                           || strchr (extra, boundary[i]) == NULL))
      return FALSE;
  return TRUE;
}

DimseWebMultipart *
dimse_web_multipart_new (const char *boundary, const DimseWebMultipartCallbacks *callbacks,
                         gpointer user_data)
{
  DimseWebMultipart *self = g_new0 (DimseWebMultipart, 1);

  self->callbacks = *callbacks;
  self->user_data = user_data;
  self->buf = g_byte_array_new ();
  /* The first delimiter may open the body: as if a CRLF came before it. */
  g_byte_array_append (self->buf, (const guint8 *) "\r\n", 2);
  self->buf_offset = -2;
  if (boundary != NULL)
    {
      set_delimiter (self, boundary);
      self->state = STATE_PREAMBLE;
      if (!boundary_is_valid (boundary, strlen (boundary)))
        self->failed = TRUE;
    }
  else
    self->state = STATE_LEARN;
  return self;
}

void
dimse_web_multipart_free (DimseWebMultipart *parser)
{
  if (parser == NULL)
    return;
  g_byte_array_unref (parser->buf);
  g_free (parser->delimiter);
  g_free (parser);
}

static gint64
offset_of (DimseWebMultipart *self, gsize pos)
{
  return MAX (self->buf_offset + (gint64) pos, 0);
}

static gboolean
fail (DimseWebMultipart *self, GError **error, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (DimseWebMultipart *self, GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *text = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  self->failed = TRUE;
  g_set_error_literal (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_RESPONSE_INVALID, text);
  return FALSE;
}

static const guint8 *
find (const guint8 *haystack, gsize len, const char *needle, gsize needle_len)
{
  const guint8 *p = haystack;
  const guint8 *end = haystack + len;

  while (needle_len <= (gsize) (end - p))
    {
      p = memchr (p, needle[0], (gsize) (end - p) - needle_len + 1);
      if (p == NULL)
        return NULL;
      if (memcmp (p, needle, needle_len) == 0)
        return p;
      p++;
    }
  return NULL;
}

/* ---- one step of each state; each returns FALSE on error and sets
 * *progress when it consumed bytes or changed state ---- */

static gboolean
step_learn (DimseWebMultipart *self, gboolean *progress, GError **error)
{
  const guint8 *data = self->buf->data + self->pos;
  gsize len = self->buf->len - self->pos;
  const guint8 *nl = memchr (data, '\n', len);
  gsize line_len, end;

  /* The same limit whether the line has arrived whole or not yet. */
  if (offset_of (self, nl != NULL ? self->pos + (gsize) (nl - data) : self->buf->len)
      > MULTIPART_MAX_PREAMBLE_LEARNT)
    return fail (self, error, _("The multipart body has no boundary in its Content-Type "
                                "and no delimiter line in its first %d bytes."),
                 MULTIPART_MAX_PREAMBLE_LEARNT);
  if (nl == NULL)
    return TRUE;
  line_len = (gsize) (nl - data);
  end = line_len;
  while (end > 0 && (data[end - 1] == '\r' || data[end - 1] == ' ' || data[end - 1] == '\t'))
    end--;
  if (end > 2 && data[0] == '-' && data[1] == '-')
    {
      g_autofree char *boundary = g_strndup ((const char *) data + 2, end - 2);

      if (strlen (boundary) != end - 2 || !boundary_is_valid (boundary, end - 2))
        return fail (self, error, _("The first delimiter line of the multipart body does not "
                                    "hold a boundary of 1 to 70 letters, digits and "
                                    "'()+_,-./:=?."));
      set_delimiter (self, boundary);
      self->state = STATE_HEADERS;
    }
  self->pos += line_len + 1;
  *progress = TRUE;
  return TRUE;
}

static gboolean
step_preamble (DimseWebMultipart *self, gboolean *progress, GError **error)
{
  const guint8 *data = self->buf->data + self->pos;
  gsize len = self->buf->len - self->pos;
  const guint8 *hit = find (data, len, self->delimiter, self->delimiter_len);

  (void) error;
  if (hit != NULL)
    {
      self->pos += (gsize) (hit - data) + self->delimiter_len;
      self->state = STATE_AFTER_DELIMITER;
      *progress = TRUE;
    }
  else if (len >= self->delimiter_len)
    self->pos += len - (self->delimiter_len - 1);
  return TRUE;
}

static gboolean
step_after_delimiter (DimseWebMultipart *self, gboolean *progress, GError **error)
{
  const guint8 *data = self->buf->data + self->pos;
  gsize len = self->buf->len - self->pos;
  gsize i = 0;

  if (len < 2)
    return TRUE;
  if (data[0] == '-' && data[1] == '-')
    {
      self->state = STATE_EPILOGUE;
      self->pos = self->buf->len;
      *progress = TRUE;
      return TRUE;
    }
  while (i < len && (data[i] == ' ' || data[i] == '\t'))
    i++;
  if (i > MULTIPART_MAX_PADDING)
    return fail (self, error, _("The delimiter before part %u of the multipart body is "
                                "followed by more than %d spaces."),
                 self->n_parts + 1, MULTIPART_MAX_PADDING);
  if (len - i < 2)
    return TRUE;
  if (data[i] != '\r' || data[i + 1] != '\n')
    return fail (self, error, _("The delimiter before part %u of the multipart body (at byte "
                                "%lld) is followed by other characters than "
                                "a line end: the boundary is not the one announced."),
                 self->n_parts + 1, (long long) offset_of (self, self->pos));
  self->pos += i + 2;
  self->state = STATE_HEADERS;
  *progress = TRUE;
  return TRUE;
}

/* "Name: value" lines (folded lines joined, RFC 5322 §2.2.3); the values
 * of Content-Type and Content-Location. */
static gboolean
parse_headers (DimseWebMultipart *self, const char *block, char **content_type,
               char **content_location, GError **error)
{
  g_autofree char *unfolded = g_strdup (block);
  g_auto(GStrv) lines = NULL;

  for (char *p = unfolded; *p != '\0'; p++)
    if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t'))
      p[0] = p[1] = ' ';
  lines = g_strsplit (unfolded, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');
      char *value;

      if (lines[i][0] == '\0')
        continue;
      if (colon == NULL || colon == lines[i])
        return fail (self, error, _("Part %u of the multipart body has a header line that is "
                                    "not “Name: value”."), self->n_parts + 1);
      *colon = '\0';
      value = g_strstrip (colon + 1);
      if (g_ascii_strcasecmp (g_strstrip (lines[i]), "Content-Type") == 0)
        {
          g_free (*content_type);
          *content_type = g_utf8_make_valid (value, -1);
        }
      else if (g_ascii_strcasecmp (lines[i], "Content-Location") == 0)
        {
          g_free (*content_location);
          *content_location = g_utf8_make_valid (value, -1);
        }
    }
  return TRUE;
}

static gboolean
step_headers (DimseWebMultipart *self, gboolean *progress, GError **error)
{
  const guint8 *data = self->buf->data + self->pos;
  gsize len = self->buf->len - self->pos;
  g_autofree char *block = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *content_location = NULL;
  gsize block_len, skip;

  if (len >= 2 && data[0] == '\r' && data[1] == '\n')
    {
      block_len = 0;
      skip = 2;
    }
  else
    {
      const guint8 *end = find (data, MIN (len, MULTIPART_MAX_HEADERS + 4), "\r\n\r\n", 4);

      if (end == NULL)
        {
          if (len > MULTIPART_MAX_HEADERS)
            return fail (self, error, _("The headers of part %u of the multipart body are "
                                        "longer than %d bytes."),
                         self->n_parts + 1, MULTIPART_MAX_HEADERS);
          return TRUE;
        }
      block_len = (gsize) (end - data);
      skip = block_len + 4;
    }
  if (memchr (data, '\0', block_len) != NULL)
    return fail (self, error, _("The headers of part %u of the multipart body hold a NUL "
                                "byte."), self->n_parts + 1);
  block = g_strndup ((const char *) data, block_len);
  if (!parse_headers (self, block, &content_type, &content_location, error))
    return FALSE;
  self->pos += skip;
  self->state = STATE_BODY;
  self->part_bytes = 0;
  *progress = TRUE;
  if (self->callbacks.part_begin != NULL
      && !self->callbacks.part_begin (content_type, content_location, self->user_data, error))
    {
      self->failed = TRUE;
      return FALSE;
    }
  return TRUE;
}

static gboolean
emit_data (DimseWebMultipart *self, const guint8 *data, gsize len, GError **error)
{
  if (len == 0)
    return TRUE;
  self->part_bytes += len;
  if (self->callbacks.part_data != NULL
      && !self->callbacks.part_data (data, len, self->user_data, error))
    {
      self->failed = TRUE;
      return FALSE;
    }
  return TRUE;
}

static gboolean
step_body (DimseWebMultipart *self, gboolean *progress, GError **error)
{
  const guint8 *data = self->buf->data + self->pos;
  gsize len = self->buf->len - self->pos;
  const guint8 *hit = find (data, len, self->delimiter, self->delimiter_len);

  if (hit == NULL)
    {
      /* Keep what could be the start of a delimiter split across reads. */
      gsize keep = self->delimiter_len - 1;

      if (len > keep)
        {
          if (!emit_data (self, data, len - keep, error))
            return FALSE;
          self->pos += len - keep;
        }
      return TRUE;
    }
  if (!emit_data (self, data, (gsize) (hit - data), error))
    return FALSE;
  self->pos += (gsize) (hit - data) + self->delimiter_len;
  self->state = STATE_AFTER_DELIMITER;
  self->n_parts++;
  *progress = TRUE;
  if (self->callbacks.part_end != NULL && !self->callbacks.part_end (self->user_data, error))
    {
      self->failed = TRUE;
      return FALSE;
    }
  return TRUE;
}

static gboolean
step (DimseWebMultipart *self, gboolean *progress, GError **error)
{
  switch (self->state)
    {
    case STATE_LEARN:
      return step_learn (self, progress, error);
    case STATE_PREAMBLE:
      return step_preamble (self, progress, error);
    case STATE_AFTER_DELIMITER:
      return step_after_delimiter (self, progress, error);
    case STATE_HEADERS:
      return step_headers (self, progress, error);
    case STATE_BODY:
      return step_body (self, progress, error);
    case STATE_EPILOGUE:
    default:
      self->pos = self->buf->len;
      return TRUE;
    }
}

gboolean
dimse_web_multipart_feed (DimseWebMultipart *parser, const guint8 *data, gsize len,
                          GError **error)
{
  gboolean progress = TRUE;

  if (parser->failed)
    {
      g_set_error (error, DIMSE_WEB_ERROR, DIMSE_WEB_ERROR_RESPONSE_INVALID,
                   _("The multipart body cannot be read on after an error (or its boundary "
                     "is not 1 to 70 letters, digits and '()+_,-./:=?)."));
      return FALSE;
    }
  if (parser->state == STATE_EPILOGUE)
    return TRUE;
  g_byte_array_append (parser->buf, data, (guint) len);
  while (progress && parser->pos < parser->buf->len)
    {
      progress = FALSE;
      if (!step (parser, &progress, error))
        return FALSE;
    }
  parser->buf_offset += (gint64) parser->pos;
  g_byte_array_remove_range (parser->buf, 0, (guint) parser->pos);
  parser->pos = 0;
  return TRUE;
}

gboolean
dimse_web_multipart_finish (DimseWebMultipart *parser, GError **error)
{
  gint64 end = offset_of (parser, parser->buf->len);

  if (parser->failed)
    return dimse_web_multipart_feed (parser, NULL, 0, error);
  switch (parser->state)
    {
    case STATE_EPILOGUE:
      return TRUE;
    case STATE_LEARN:
    case STATE_PREAMBLE:
      return fail (parser, error, _("The multipart body ended after %lld bytes, before its "
                                    "first boundary."), (long long) end);
    case STATE_HEADERS:
      return fail (parser, error, _("The multipart body was cut off in the headers of part "
                                    "%u, after %lld bytes."),
                   parser->n_parts + 1, (long long) end);
    case STATE_BODY:
      return fail (parser, error, _("The multipart body was cut off in the middle of part %u, "
                                    "after %llu bytes of it."),
                   parser->n_parts + 1,
                   (unsigned long long) (parser->part_bytes
                                         + (guint64) (parser->buf->len - parser->pos)));
    case STATE_AFTER_DELIMITER:
    default:
      return fail (parser, error, _("The multipart body ended after part %u without its "
                                    "close delimiter “%s--”."),
                   parser->n_parts, parser->delimiter + 2);
    }
}

guint
dimse_web_multipart_get_n_parts (DimseWebMultipart *parser)
{
  return parser->n_parts;
}

gboolean
dimse_web_multipart_in_part (DimseWebMultipart *parser)
{
  return parser->state == STATE_BODY;
}

char *
dimse_web_multipart_new_boundary (void)
{
  GString *text = g_string_new ("DimseBench-");

  for (guint i = 0; i < 4; i++)
    g_string_append_printf (text, "%08x", g_random_int ());
  return g_string_free (text, FALSE);
}
