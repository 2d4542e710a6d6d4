#include "dcm-uid.h"
#include "dcm-uid-private.h"
#include "dcm-uid-table.h"

#include <stdlib.h>
#include <string.h>

/* PS3.5 §9.1: a UID is at most 64 characters. */
#define UID_MAX_LENGTH 64

static int
compare_entry_uid (const void *key, const void *entry)
{
  return dcm_uid_key_compare (key, ((const DcmUidEntry *) entry)->uid);
}

const DcmUidEntry *
dcm_uid_lookup (const char *uid)
{
  DcmUidKey key;

  if (!dcm_uid_key_init (&key, uid))
    return NULL;
  return bsearch (&key, dcm_uid_entries, dcm_uid_n_all, sizeof (DcmUidEntry),
                  compare_entry_uid);
}

static int
compare_keyword (const void *keyword, const void *index)
{
  return strcmp (keyword, dcm_uid_entries[*(const guint16 *) index].keyword);
}

const DcmUidEntry *
dcm_uid_lookup_keyword (const char *keyword)
{
  const guint16 *index;

  if (keyword == NULL || *keyword == '\0')
    return NULL;
  index = bsearch (keyword, dcm_uid_keyword_index, dcm_uid_n_keywords, sizeof (guint16),
                   compare_keyword);
  return index != NULL ? &dcm_uid_entries[*index] : NULL;
}

const char *
dcm_uid_name (const char *uid)
{
  const DcmUidEntry *entry = dcm_uid_lookup (uid);

  if (entry == NULL || *entry->name == '\0')
    return uid;
  return entry->name;
}

guint
dcm_uid_n_entries (void)
{
  return dcm_uid_n_all;
}

const DcmUidEntry *
dcm_uid_nth_entry (guint i)
{
  return i < dcm_uid_n_all ? &dcm_uid_entries[i] : NULL;
}

gboolean
dcm_uid_is_valid (const char *uid)
{
  gsize len;
  gsize component_start = 0;

  if (uid == NULL)
    return FALSE;
  len = strlen (uid);
  if (len == 0 || len > UID_MAX_LENGTH)
    return FALSE;
  for (gsize i = 0; i <= len; i++)
    {
      if (uid[i] == '.' || uid[i] == '\0')
        {
          gsize component_len = i - component_start;

          /* PS3.5 §9.1: no empty component and no leading zero unless the
           * component is the single digit 0. */
          if (component_len == 0)
            return FALSE;
          if (component_len > 1 && uid[component_start] == '0')
            return FALSE;
          component_start = i + 1;
        }
      else if (!g_ascii_isdigit (uid[i]))
        return FALSE;
    }
  return TRUE;
}

/* Divides the big-endian 128-bit number in bytes by 10 in place and returns
 * the remainder. */
static guint
divide_by_ten (guint8 bytes[16])
{
  guint remainder = 0;

  for (guint i = 0; i < 16; i++)
    {
      guint value = (remainder << 8) | bytes[i];

      bytes[i] = (guint8) (value / 10);
      remainder = value % 10;
    }
  return remainder;
}

static gboolean
is_zero (const guint8 bytes[16])
{
  for (guint i = 0; i < 16; i++)
    if (bytes[i] != 0)
      return FALSE;
  return TRUE;
}

/* The 32 hex digits of a UUID string as 16 big-endian bytes. */
static void
uuid_to_bytes (const char *uuid, guint8 bytes[16])
{
  guint n = 0;

  memset (bytes, 0, 16);
  for (const char *p = uuid; *p != '\0' && n < 32; p++)
    {
      int digit = g_ascii_xdigit_value (*p);

      if (digit < 0)
        continue;
      bytes[n / 2] |= (guint8) (n % 2 == 0 ? digit << 4 : digit);
      n++;
    }
}

char *
dcm_uid_generate (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  guint8 bytes[16];
  /* 2^128 has 39 decimal digits */
  char digits[40];
  guint n = 0;
  GString *out;

  /* PS3.5 §B.2: the 2.25 root followed by the UUID as one decimal integer. */
  uuid_to_bytes (uuid, bytes);
  do
    digits[n++] = (char) ('0' + divide_by_ten (bytes));
  while (!is_zero (bytes));

  out = g_string_new ("2.25.");
  while (n > 0)
    g_string_append_c (out, digits[--n]);
  return g_string_free (out, FALSE);
}
