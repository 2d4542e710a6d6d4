/* dcm-parser.c — the element grammar of PS3.5 §7 over a DcmParserInput */
#include "dcm-parser.h"
#include "dcm-parser-private.h"

#include <string.h>

#include "dcm-error.h"

#define DEFAULT_MAX_DEPTH 64
#define NO_END G_MAXUINT64
#define TAG_FORMAT "(%04X,%04X)"
#define TAG_ARGS(tag) DCM_TAG_GROUP (tag), DCM_TAG_ELEMENT (tag)

typedef enum {
  FRAME_DATA_SET,   /* the top level or an item: elements */
  FRAME_SEQUENCE,   /* items and a sequence delimiter */
  FRAME_FRAGMENTS,  /* encapsulated value: fragment items and a sequence delimiter */
} FrameKind;

typedef struct {
  FrameKind   kind;
  gboolean    explicit_vr;
  gboolean    big_endian;
  guint32     tag;          /* the sequence's (or encapsulated element's) tag */
  guint64     start;        /* offset of the element or item header */
  guint64     end;          /* where a defined length ends, or NO_END */
  guint64     limit;        /* the nearest defined end here or above, or NO_END */
  guint       depth;        /* sequences enclosing the elements of this frame */
  guint16     pixel_representation;
  DcmDataSet *ds;           /* DATA_SET: filled; otherwise: holds el */
  DcmElement *el;
  GPtrArray  *fragments;    /* FRAGMENTS kept in memory */
  gint        n_fragments;
  gboolean    bulk;         /* FRAGMENTS handed on rather than kept */
} Frame;

typedef struct {
  guint32 tag;
  DcmVR   vr;
  guint32 length;
  guint64 offset;           /* of the header */
} Header;

struct _DcmParser {
  DcmParserInput  input;
  DcmReadOptions  opts;
  char           *source_path;
  const DcmTransferSyntax *ts;
  GArray         *frames;
  guint16         pixel_representation;  /* of the top level, across calls */
};

void
dcm_read_options_init (DcmReadOptions *opts)
{
  memset (opts, 0, sizeof *opts);
  opts->max_depth = DEFAULT_MAX_DEPTH;
  opts->max_inflated_size = DCM_PARSER_DEFAULT_MAX_INFLATED;
}

static void
frame_clear (gpointer data)
{
  Frame *f = data;

  g_clear_pointer (&f->fragments, g_ptr_array_unref);
}

/* Reads from in, or from data when in is NULL. */
static DcmParser *
parser_new (GInputStream *in, GBytes *data, const DcmTransferSyntax *ts,
            const DcmReadOptions *opts)
{
  DcmParser *p = g_new0 (DcmParser, 1);

  if (opts != NULL)
    p->opts = *opts;
  else
    dcm_read_options_init (&p->opts);
  if (p->opts.max_depth == 0)
    p->opts.max_depth = DEFAULT_MAX_DEPTH;
  p->source_path = g_strdup (p->opts.source_path);
  p->opts.source_path = p->source_path;
  p->ts = ts;
  p->frames = g_array_new (FALSE, TRUE, sizeof (Frame));
  g_array_set_clear_func (p->frames, frame_clear);
  if (in != NULL)
    dcm_parser_input_init_stream (&p->input, in, p->opts.max_inflated_size);
  else
    dcm_parser_input_init_bytes (&p->input, data, p->opts.max_inflated_size);
  /* PS3.5 §A.5: in a deflated syntax all that follows is compressed. */
  if (ts->deflated)
    dcm_parser_input_start_inflate (&p->input);
  return p;
}

DcmParser *
dcm_parser_new_for_stream (GInputStream *in, const DcmTransferSyntax *ts,
                           const DcmReadOptions *opts)
{
  return parser_new (in, NULL, ts, opts);
}

DcmParser *
dcm_parser_new_for_bytes (GBytes *data, const DcmTransferSyntax *ts,
                          const DcmReadOptions *opts)
{
  return parser_new (NULL, data, ts, opts);
}

void
dcm_parser_free (DcmParser *parser)
{
  if (parser == NULL)
    return;
  dcm_parser_input_clear (&parser->input);
  g_array_unref (parser->frames);
  g_free (parser->source_path);
  g_free (parser);
}

gboolean
dcm_parser_set_transfer_syntax (DcmParser *parser, const DcmTransferSyntax *ts,
                                GError **error)
{
  if (parser->ts->deflated && !ts->deflated)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_UNSUPPORTED,
                   "The input is already being inflated at offset %" G_GUINT64_FORMAT
                   "; transfer syntax %s cannot follow the deflated syntax.",
                   dcm_parser_get_offset (parser), ts->uid);
      return FALSE;
    }
  if (ts->deflated && !parser->ts->deflated)
    dcm_parser_input_start_inflate (&parser->input);
  parser->ts = ts;
  return TRUE;
}

const DcmTransferSyntax *
dcm_parser_get_transfer_syntax (DcmParser *parser)
{
  return parser->ts;
}

guint64
dcm_parser_get_offset (DcmParser *parser)
{
  return dcm_reader_offset (&parser->input.r);
}

gboolean
dcm_parser_peek (DcmParser *parser, gsize n, const guint8 **out_data, gsize *out_len,
                 GCancellable *cancellable, GError **error)
{
  DcmParserInput *in = &parser->input;

  g_return_val_if_fail (n <= 4096, FALSE);
  in->cancellable = cancellable;
  if (!dcm_parser_input_prepare (in, error) || !dcm_parser_input_ensure (in, n, error))
    return FALSE;
  *out_data = dcm_reader_peek (&in->r);
  *out_len = MIN (n, dcm_reader_remaining (&in->r));
  return TRUE;
}

gboolean
dcm_parser_skip (DcmParser *parser, gsize n, GCancellable *cancellable, GError **error)
{
  parser->input.cancellable = cancellable;
  if (!dcm_parser_input_prepare (&parser->input, error))
    return FALSE;
  return dcm_parser_input_skip (&parser->input, n, error);
}

gboolean
dcm_parser_at_end (DcmParser *parser, GCancellable *cancellable, GError **error)
{
  DcmParserInput *in = &parser->input;

  in->cancellable = cancellable;
  if (!dcm_parser_input_prepare (in, error) || !dcm_parser_input_ensure (in, 1, error))
    return FALSE;
  return dcm_reader_remaining (&in->r) == 0;
}

/* ---- frames ---- */

static inline Frame *
top_frame (DcmParser *p)
{
  return &g_array_index (p->frames, Frame, p->frames->len - 1);
}

static Frame *
push_frame (DcmParser *p, FrameKind kind)
{
  Frame *parent, *f;

  g_array_set_size (p->frames, p->frames->len + 1);
  parent = &g_array_index (p->frames, Frame, p->frames->len - 2);
  f = top_frame (p);
  f->kind = kind;
  f->explicit_vr = parent->explicit_vr;
  f->big_endian = parent->big_endian;
  f->depth = parent->depth;
  f->pixel_representation = parent->pixel_representation;
  f->limit = parent->limit;
  f->end = NO_END;
  return f;
}

static void
frame_set_length (Frame *f, guint64 value_offset, guint32 length)
{
  if (length == DCM_UNDEFINED_LENGTH)
    return;
  f->end = value_offset + length;
  f->limit = f->end;
}

static const char *
frame_what (const Frame *f)
{
  switch (f->kind)
    {
    case FRAME_SEQUENCE:
      return "sequence";
    case FRAME_FRAGMENTS:
      return "encapsulated value";
    case FRAME_DATA_SET:
    default:
      return "item";
    }
}

static gboolean
pixel_data_tag (guint32 tag)
{
  return tag == DCM_TAG_PIXEL_DATA || tag == DCM_TAG_FLOAT_PIXEL_DATA
         || tag == DCM_TAG_DOUBLE_FLOAT_PIXEL_DATA;
}

/* Bytes the frame still allows after offset: up to its (or an enclosing)
 * defined end, and in memory, up to the end of the data. */
static guint64
frame_room (DcmParser *p, const Frame *f, guint64 offset, gboolean *out_data_end)
{
  guint64 room = f->limit - offset;
  guint64 left = G_MAXUINT64;

  if (p->input.memory)
    left = dcm_reader_remaining (&p->input.r) - (offset - dcm_parser_get_offset (p));
  *out_data_end = left < room;
  return MIN (room, left);
}

static gboolean
check_length (DcmParser *p, const Frame *f, const Header *h, guint64 value_offset,
              GError **error)
{
  gboolean data_end;
  guint64 room;

  if (h->length == DCM_UNDEFINED_LENGTH)
    return TRUE;
  room = frame_room (p, f, value_offset, &data_end);
  if (h->length <= room)
    return TRUE;
  g_set_error (error, DCM_ERROR, data_end ? DCM_ERROR_TRUNCATED : DCM_ERROR_INVALID,
               "Element " TAG_FORMAT " at offset %" G_GUINT64_FORMAT " declares %u bytes"
               " but only %" G_GUINT64_FORMAT " remain%s.",
               TAG_ARGS (h->tag), h->offset, h->length, room,
               data_end ? "" : " in its enclosing item or sequence");
  return FALSE;
}

/* ---- values ---- */

/* PS3.5 §7.3: big-endian values are swapped per value size; AT is two
 * 16-bit numbers. */
static guint
swap_unit (const Frame *f, DcmVR vr)
{
  if (!f->big_endian)
    return 1;
  return vr == DCM_VR_AT ? 2 : dcm_vr_value_size (vr);
}

static gboolean
can_reference (DcmParser *p)
{
  return p->source_path != NULL && !p->input.inflating;
}

static gboolean
wants_bulk (DcmParser *p, guint32 tag, guint64 length)
{
  if (p->opts.sink == NULL && !can_reference (p))
    return FALSE;
  if (p->opts.bulk_pixel_data && pixel_data_tag (tag))
    return TRUE;
  return p->opts.bulk_threshold > 0 && length >= p->opts.bulk_threshold;
}

static DcmBulkRef *
bulk_ref_new (DcmParser *p, const Frame *f, guint64 offset, guint64 length)
{
  DcmBulkRef *ref = g_new0 (DcmBulkRef, 1);

  ref->path = can_reference (p) ? g_strdup (p->source_path) : NULL;
  ref->offset = offset + p->opts.source_offset;
  ref->length = length;
  ref->big_endian = f->big_endian;
  return ref;
}

/* Hands a value (or fragment) of length bytes at the current offset to
 * the sink (once even when empty, so that every fragment is seen), or
 * steps over it when the value stays in its file. */
static gboolean
pass_bulk (DcmParser *p, const Frame *f, const Header *h, guint64 length,
           gint fragment_index, guint unit, GError **error)
{
  DcmBulkChunk chunk = { h->tag, h->vr, f->depth, length, fragment_index };
  DcmParserInput *in = &p->input;

  if (p->opts.sink == NULL)
    return dcm_parser_input_skip (in, length, error);
  do
    {
      g_autofree guint8 *copy = NULL;
      GError *local = NULL;
      guint64 left = length - chunk.offset;
      gsize want = MIN (left, unit), n;

      if (!dcm_parser_input_ensure (in, want, error))
        return FALSE;
      n = MIN (dcm_reader_remaining (&in->r), left);
      if (n < want)
        return dcm_parser_input_fail_ended (in, h->tag, h->offset, length, chunk.offset, error);
      if (n < left)
        n -= n % unit;
      chunk.data = dcm_reader_peek (&in->r);
      if (unit > 1 && in->memory)
        chunk.data = copy = dcm_swap_copy (chunk.data, n, unit);
      else if (unit > 1)
        dcm_swap_in_place (in->buf + in->r.pos, n, unit);
      chunk.len = n;
      chunk.last = n == left;
      chunk.stream_offset = dcm_reader_offset (&in->r);
      if (!p->opts.sink (&chunk, p->opts.sink_data, &local))
        return dcm_parser_input_fail_sink (h->tag, h->offset, local, error);
      in->r.pos += n;
      chunk.offset += n;
    }
  while (chunk.offset < length);
  return TRUE;
}

static gboolean
read_element_value (DcmParser *p, Frame *f, const Header *h, GError **error)
{
  DcmElement *el = dcm_data_set_insert (f->ds, h->tag, h->vr);
  guint unit = swap_unit (f, h->vr);
  guint64 value_offset = dcm_parser_get_offset (p);
  GBytes *bytes;

  el->length = h->length;
  if (h->length == 0)
    return TRUE;
  if (wants_bulk (p, h->tag, h->length))
    {
      if (!pass_bulk (p, f, h, h->length, -1, unit, error))
        return FALSE;
      dcm_element_take_bulk (el, bulk_ref_new (p, f, value_offset, h->length));
      return TRUE;
    }
  bytes = dcm_parser_input_read_value (&p->input, h->tag, h->offset, h->length, unit, error);
  if (bytes == NULL)
    return FALSE;
  if (h->tag == DCM_TAG_PIXEL_REPRESENTATION && h->length >= 2)
    f->pixel_representation = dcm_load_u16 (g_bytes_get_data (bytes, NULL), FALSE);
  dcm_element_take_bytes (el, bytes);
  return TRUE;
}

/* ---- element headers ---- */

/* PS3.5 Annex A.1: in implicit VR the VR comes from the dictionary; where it
 * lists several, Pixel Data and its kin are OW, and US/SS follows Pixel
 * Representation (0028,0103). Private creators are LO, the rest UN. */
static DcmVR
implicit_vr (const Frame *f, guint32 tag)
{
  const DcmDictEntry *e;
  gboolean us = FALSE, ss = FALSE;

  if (DCM_TAG_IS_PRIVATE (tag) && !DCM_TAG_IS_GROUP_LENGTH (tag))
    return DCM_TAG_IS_PRIVATE_CREATOR (tag) ? DCM_VR_LO : DCM_VR_UN;
  e = dcm_dict_lookup (tag);
  if (e == NULL)
    return DCM_VR_UN;
  if (e->vr[1] == DCM_VR_NONE)
    return e->vr[0];
  for (guint i = 0; i < G_N_ELEMENTS (e->vr); i++)
    {
      if (e->vr[i] == DCM_VR_OW)
        return DCM_VR_OW;
      us |= e->vr[i] == DCM_VR_US;
      ss |= e->vr[i] == DCM_VR_SS;
    }
  if (us && ss)
    return f->pixel_representation == 1 ? DCM_VR_SS : DCM_VR_US;
  return e->vr[0];
}

static gboolean
is_vr_letter (guint8 c)
{
  return c >= 'A' && c <= 'Z';
}

/* Explicit VR with a 32-bit length: the long VRs of PS3.5 Table 7.1-1, and
 * VR codes this reader does not know. Those are read as UN when they look
 * like a VR (two capital letters) and the reserved bytes are zero, the form
 * every VR added since 2000 uses; anything else is not explicit VR. */
static gboolean
read_long_header (DcmParser *p, const Frame *f, Header *h, const guint8 *d,
                  GError **error)
{
  DcmParserInput *in = &p->input;
  gboolean data_end;

  if (h->vr == DCM_VR_NONE)
    {
      if (!is_vr_letter (d[4]) || !is_vr_letter (d[5]) || d[6] != 0 || d[7] != 0)
        {
          g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
                       "Element " TAG_FORMAT " at offset %" G_GUINT64_FORMAT
                       " has the bytes %02X %02X where its VR should be.",
                       TAG_ARGS (h->tag), h->offset, d[4], d[5]);
          return FALSE;
        }
      h->vr = DCM_VR_UN;
    }
  if (frame_room (p, f, h->offset, &data_end) < 12)
    return dcm_parser_input_fail_header (in, h->offset, !data_end, error);
  if (!dcm_parser_input_ensure (in, 12, error))
    return FALSE;
  if (dcm_reader_remaining (&in->r) < 12)
    return dcm_parser_input_fail_header (in, h->offset, FALSE, error);
  h->length = dcm_load_u32 (dcm_reader_peek (&in->r) + 8, f->big_endian);
  in->r.pos += 12;
  return TRUE;
}

/* Reads VR and length of the element whose tag read_tag peeked. */
static gboolean
read_element_header (DcmParser *p, const Frame *f, Header *h, GError **error)
{
  DcmParserInput *in = &p->input;
  const guint8 *d = dcm_reader_peek (&in->r);

  if (!f->explicit_vr)
    {
      h->vr = implicit_vr (f, h->tag);
      h->length = dcm_load_u32 (d + 4, FALSE);
      in->r.pos += 8;
      return TRUE;
    }
  h->vr = dcm_vr_from_code (d[4], d[5]);
  if (h->vr != DCM_VR_NONE && !dcm_vr_has_long_length (h->vr))
    {
      h->length = dcm_load_u16 (d + 6, f->big_endian);
      in->r.pos += 8;
      return TRUE;
    }
  return read_long_header (p, f, h, d, error);
}

/* Peeks the next tag of frame f. *at_end is set at the clean end of the
 * top level. */
static gboolean
read_tag (DcmParser *p, const Frame *f, Header *h, gboolean *at_end, GError **error)
{
  DcmParserInput *in = &p->input;
  guint64 offset = dcm_parser_get_offset (p);
  const guint8 *d;
  gboolean data_end;
  gsize avail;

  *at_end = FALSE;
  if (!dcm_parser_input_ensure (in, 8, error))
    return FALSE;
  avail = dcm_reader_remaining (&in->r);
  if (avail == 0 && p->frames->len == 1)
    {
      *at_end = TRUE;
      return TRUE;
    }
  if (avail == 0 || (f->end == NO_END && offset == f->limit))
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_TRUNCATED,
                   "The data ends at offset %" G_GUINT64_FORMAT " before the delimiter of the %s"
                   " of " TAG_FORMAT " that begins at offset %" G_GUINT64_FORMAT ".",
                   offset, frame_what (f), TAG_ARGS (f->tag), f->start);
      return FALSE;
    }
  if (avail < 8 || frame_room (p, f, offset, &data_end) < 8)
    return dcm_parser_input_fail_header (in, offset, avail >= 8, error);
  d = dcm_reader_peek (&in->r);
  h->tag = ((guint32) dcm_load_u16 (d, f->big_endian) << 16) | dcm_load_u16 (d + 2, f->big_endian);
  h->offset = offset;
  h->vr = DCM_VR_NONE;
  h->length = dcm_load_u32 (d + 4, f->big_endian);
  return TRUE;
}

/* ---- the grammar ---- */

static void
pop_frame (DcmParser *p)
{
  Frame *f = top_frame (p);

  if (f->kind == FRAME_FRAGMENTS && f->bulk)
    dcm_element_take_bulk (f->el, bulk_ref_new (p, f, f->start,
                                                dcm_parser_get_offset (p) - f->start));
  else if (f->kind == FRAME_FRAGMENTS)
    dcm_element_take_fragments (f->el, g_steal_pointer (&f->fragments));
  g_array_set_size (p->frames, p->frames->len - 1);
}

static gboolean
push_sequence (DcmParser *p, const Header *h, GError **error)
{
  Frame *parent = top_frame (p);
  DcmDataSet *ds = parent->ds;
  guint64 value_offset = dcm_parser_get_offset (p);
  Frame *f;

  if (parent->depth >= p->opts.max_depth)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_LIMIT,
                   "Sequence " TAG_FORMAT " at offset %" G_GUINT64_FORMAT
                   " is nested deeper than the limit of %u levels.",
                   TAG_ARGS (h->tag), h->offset, p->opts.max_depth);
      return FALSE;
    }
  f = push_frame (p, FRAME_SEQUENCE);
  f->tag = h->tag;
  f->start = value_offset;
  f->depth++;
  f->ds = ds;
  f->el = dcm_data_set_insert (ds, h->tag, h->vr);
  f->el->length = h->length;
  frame_set_length (f, value_offset, h->length);
  /* PS3.5 §6.2.2 note: an undefined-length UN holds items in implicit VR
   * little endian whatever the transfer syntax. */
  if (h->vr == DCM_VR_UN)
    f->explicit_vr = f->big_endian = FALSE;
  return TRUE;
}

static void
push_fragments (DcmParser *p, const Header *h)
{
  Frame *parent = top_frame (p);
  DcmDataSet *ds = parent->ds;
  Frame *f = push_frame (p, FRAME_FRAGMENTS);

  f->tag = h->tag;
  f->start = dcm_parser_get_offset (p);
  f->ds = ds;
  f->el = dcm_data_set_insert (ds, h->tag, h->vr);
  f->el->length = h->length;
  f->bulk = wants_bulk (p, h->tag, G_MAXUINT64);
  if (!f->bulk)
    f->fragments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}

static gboolean
fail_structure (const Frame *f, const Header *h, const char *what, GError **error)
{
  g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
               "%s " TAG_FORMAT " at offset %" G_GUINT64_FORMAT
               " cannot appear in the %s of " TAG_FORMAT " that begins at offset %"
               G_GUINT64_FORMAT ".",
               what, TAG_ARGS (h->tag), h->offset, frame_what (f), TAG_ARGS (f->tag), f->start);
  return FALSE;
}

static gboolean
on_delimiter_in_data_set (DcmParser *p, Frame *f, const Header *h, GError **error)
{
  if (h->tag == DCM_TAG_ITEM_DELIMITATION_ITEM && p->frames->len > 1 && f->end == NO_END)
    {
      p->input.r.pos += 8;
      pop_frame (p);
      return TRUE;
    }
  if (p->frames->len == 1)
    {
      g_set_error (error, DCM_ERROR, DCM_ERROR_INVALID,
                   "The item or delimiter tag " TAG_FORMAT " at offset %" G_GUINT64_FORMAT
                   " is outside any sequence.", TAG_ARGS (h->tag), h->offset);
      return FALSE;
    }
  return fail_structure (f, h, "The item or delimiter tag", error);
}

static gboolean
on_data_set_element (DcmParser *p, Frame *f, Header *h, GError **error)
{
  if (DCM_TAG_GROUP (h->tag) == 0xfffe)
    return on_delimiter_in_data_set (p, f, h, error);
  if (!read_element_header (p, f, h, error))
    return FALSE;
  if (!check_length (p, f, h, dcm_parser_get_offset (p), error))
    return FALSE;
  if (h->vr == DCM_VR_SQ
      || (h->vr == DCM_VR_UN && h->length == DCM_UNDEFINED_LENGTH && !pixel_data_tag (h->tag)))
    return push_sequence (p, h, error);
  if (h->length == DCM_UNDEFINED_LENGTH)
    {
      push_fragments (p, h);
      return TRUE;
    }
  return read_element_value (p, f, h, error);
}

static gboolean
on_sequence_element (DcmParser *p, Frame *f, Header *h, GError **error)
{
  guint64 value_offset = h->offset + 8;
  guint32 sequence_tag = f->tag;
  DcmDataSet *item;
  Frame *child;

  if (h->tag == DCM_TAG_SEQUENCE_DELIMITATION_ITEM && f->end == NO_END)
    {
      p->input.r.pos += 8;
      pop_frame (p);
      return TRUE;
    }
  if (h->tag != DCM_TAG_ITEM)
    return fail_structure (f, h, "Element", error);
  if (!check_length (p, f, h, value_offset, error))
    return FALSE;
  p->input.r.pos += 8;
  item = dcm_data_set_new ();
  dcm_data_set_append_item (f->ds, f->el, item);
  child = push_frame (p, FRAME_DATA_SET);
  child->tag = sequence_tag;
  child->start = h->offset;
  child->ds = item;
  frame_set_length (child, value_offset, h->length);
  return TRUE;
}

static gboolean
on_fragment (DcmParser *p, Frame *f, Header *h, GError **error)
{
  guint64 value_offset = h->offset + 8;
  GBytes *bytes;

  if (h->tag == DCM_TAG_SEQUENCE_DELIMITATION_ITEM)
    {
      p->input.r.pos += 8;
      pop_frame (p);
      return TRUE;
    }
  if (h->tag != DCM_TAG_ITEM)
    return fail_structure (f, h, "Element", error);
  if (h->length == DCM_UNDEFINED_LENGTH)
    return fail_structure (f, h, "A fragment of undefined length", error);
  if (!check_length (p, f, h, value_offset, error))
    return FALSE;
  p->input.r.pos += 8;
  h->tag = f->tag;
  h->vr = f->el->vr;
  if (f->bulk)
    return pass_bulk (p, f, h, h->length, f->n_fragments++, 1, error);
  bytes = dcm_parser_input_read_value (&p->input, h->tag, h->offset, h->length, 1, error);
  if (bytes == NULL)
    return FALSE;
  g_ptr_array_add (f->fragments, bytes);
  return TRUE;
}

static gboolean
parse (DcmParser *p, DcmDataSet *root, guint32 stop_tag, GError **error)
{
  Frame *f;

  g_array_set_size (p->frames, 1);
  f = top_frame (p);
  f->kind = FRAME_DATA_SET;
  f->explicit_vr = p->ts->explicit_vr;
  f->big_endian = p->ts->big_endian;
  f->end = f->limit = NO_END;
  f->ds = root;
  f->pixel_representation = p->pixel_representation;
  for (;;)
    {
      Header h = { 0 };
      gboolean at_end, ok;

      f = top_frame (p);
      if (f->end != NO_END && dcm_parser_get_offset (p) == f->end)
        {
          pop_frame (p);
          continue;
        }
      if (!read_tag (p, f, &h, &at_end, error))
        return FALSE;
      if (at_end || (p->frames->len == 1 && stop_tag != 0 && h.tag >= stop_tag))
        {
          p->pixel_representation = f->pixel_representation;
          return TRUE;
        }
      if (f->kind == FRAME_DATA_SET)
        ok = on_data_set_element (p, f, &h, error);
      else if (f->kind == FRAME_SEQUENCE)
        ok = on_sequence_element (p, f, &h, error);
      else
        ok = on_fragment (p, f, &h, error);
      if (!ok)
        return FALSE;
    }
}

gboolean
dcm_parser_read_until (DcmParser *parser, DcmDataSet *ds, guint32 stop_tag,
                       GCancellable *cancellable, GError **error)
{
  gboolean ok;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  parser->input.cancellable = cancellable;
  ok = dcm_parser_input_prepare (&parser->input, error) && parse (parser, ds, stop_tag, error);
  g_array_set_size (parser->frames, 0);
  parser->input.cancellable = NULL;
  return ok;
}

DcmDataSet *
dcm_data_set_read_bytes (GBytes *data, const DcmTransferSyntax *ts,
                         const DcmReadOptions *opts, GError **error)
{
  g_autoptr(DcmParser) parser = dcm_parser_new_for_bytes (data, ts, opts);
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();

  if (!dcm_parser_read_until (parser, ds, opts != NULL ? opts->stop_at_tag : 0, NULL, error))
    return NULL;
  return g_steal_pointer (&ds);
}

DcmDataSet *
dcm_data_set_read_stream (GInputStream *in, const DcmTransferSyntax *ts,
                          const DcmReadOptions *opts, GCancellable *cancellable,
                          GError **error)
{
  g_autoptr(DcmParser) parser = dcm_parser_new_for_stream (in, ts, opts);
  g_autoptr(DcmDataSet) ds = dcm_data_set_new ();

  if (!dcm_parser_read_until (parser, ds, opts != NULL ? opts->stop_at_tag : 0,
                              cancellable, error))
    return NULL;
  return g_steal_pointer (&ds);
}
