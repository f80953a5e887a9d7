// Typed, non-variadic wrappers over libcurl's variadic calls (curl_easy_setopt,
// curl_easy_getinfo), which Swift cannot call directly. Each wrapper passes one argument of
// the type that its option group takes. The caller picks the wrapper that matches the
// option's type as curl.h declares it (CURLOPTTYPE_LONG, _OFF_T, _STRINGPOINT, ...).
#ifndef CCURL_H
#define CCURL_H

#include <curl/curl.h>
#include <stddef.h>

/* A write or header callback: receives `size * count` bytes, returns how many it took. */
typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t count, void *context);

/* curl_global_init(CURL_GLOBAL_ALL). Call once, before any other thread uses curl. */
CURLcode ccurl_global_init(void);

/* Options of type CURLOPTTYPE_STRINGPOINT. Curl copies the string. */
CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value);

/* Options of type CURLOPTTYPE_LONG (numbers and 0/1 switches). */
CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);

/* Options of type CURLOPTTYPE_OFF_T (sizes). */
CURLcode ccurl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value);

/* Options of type CURLOPTTYPE_OBJECTPOINT / CBPOINT / SLISTPOINT. The pointer must stay
 * valid until the transfer ends. */
CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value);

/* CURLOPT_WRITEFUNCTION with CURLOPT_WRITEDATA. */
CURLcode ccurl_set_write_callback(CURL *handle, ccurl_data_callback callback, void *context);

/* CURLOPT_HEADERFUNCTION with CURLOPT_HEADERDATA. */
CURLcode ccurl_set_header_callback(CURL *handle, ccurl_data_callback callback, void *context);

/* CURLINFO_RESPONSE_CODE: the last HTTP status, 0 when no response arrived. */
CURLcode ccurl_get_response_code(CURL *handle, long *status);

#endif
