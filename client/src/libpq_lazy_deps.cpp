// The GSSAPI and LDAP functions of a statically linked libpq, loaded on first use.
//
// libpq.so brings 21 shared libraries with it, 19 of them only for Kerberos (GSSAPI) and LDAP; on a
// VM where a page fault is expensive, mapping and relocating them is most of a process start
// (9 of 13 ms for `pgmig --version`, more than pgmig's own work on a no-op `up`). pgmig links
// libpq.a instead, and these definitions stand in for the two libraries: the first call opens the
// real one with dlopen and every call forwards to it. A connection over a Unix socket, with
// gssencmode=disable, or to a server that does not ask for Kerberos never calls them; libpq calls
// gss_acquire_cred when it tries GSSAPI encryption over TCP, and the LDAP functions only for an
// `ldap://` line in a service file. If the library is not installed, the call fails the way the
// library reports failure (GSS_S_FAILURE, a NULL LDAP handle): libpq then goes on without GSSAPI,
// or names the LDAP error. Built only when PGMIG_STATIC_LIBPQ is on (CMakeLists.txt); the headers
// declare every function, so a signature that does not match the real one does not compile.
//
// The executable exports none of these symbols (no -rdynamic): the libraries opened here bind
// their own calls to their own functions, not back to these.
#define LDAP_DEPRECATED 1
#include <dlfcn.h>
#include <gssapi/gssapi.h>
#include <ldap.h>

#ifndef PGMIG_GSSAPI_SONAME
#error "PGMIG_GSSAPI_SONAME (the soname of libgssapi_krb5) must be defined by the build"
#endif
#ifndef PGMIG_LDAP_SONAME
#error "PGMIG_LDAP_SONAME (the soname of libldap) must be defined by the build"
#endif

namespace {

void *open_library(const char *soname) {
    // RTLD_LOCAL: the library's symbols stay out of the global scope, beside these definitions.
    return dlopen(soname, RTLD_NOW | RTLD_LOCAL);
}

void *gssapi_library() {
    static void *const handle = open_library(PGMIG_GSSAPI_SONAME);
    return handle;
}

void *ldap_library() {
    static void *const handle = open_library(PGMIG_LDAP_SONAME);
    return handle;
}

// The real function named `name` in `library`, typed as the declaration `Fn` (nullptr when the
// library or the function is missing).
template <typename Fn> Fn *real(void *library, const char *name) {
    if (!library)
        return nullptr;
    return reinterpret_cast<Fn *>(dlsym(library, name));
}

#define REAL_GSS(fn) static auto *const real_##fn = real<decltype(fn)>(gssapi_library(), #fn)
#define REAL_LDAP(fn) static auto *const real_##fn = real<decltype(fn)>(ldap_library(), #fn)

// What a GSSAPI call returns when the library is not there.
OM_uint32 gss_unavailable(OM_uint32 *minor_status) {
    if (minor_status)
        *minor_status = 0;
    return GSS_S_FAILURE;
}

// RFC 2744's GSS_C_NT_HOSTBASED_SERVICE, {iso(1) member-body(2) US(840) mit(113554) infosys(1)
// gssapi(2) generic(1) service_name(4)}: mechanisms compare name types by value.
gss_OID_desc hostbased_service_oid = {
    10, const_cast<char *>("\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04")};

} // namespace

extern "C" {

gss_OID GSS_C_NT_HOSTBASED_SERVICE = &hostbased_service_oid;

OM_uint32 gss_acquire_cred(OM_uint32 *minor_status, gss_name_t desired_name, OM_uint32 time_req,
                           gss_OID_set desired_mechs, gss_cred_usage_t cred_usage,
                           gss_cred_id_t *output_cred_handle, gss_OID_set *actual_mechs,
                           OM_uint32 *time_rec) {
    REAL_GSS(gss_acquire_cred);
    if (!real_gss_acquire_cred)
        return gss_unavailable(minor_status);
    return real_gss_acquire_cred(minor_status, desired_name, time_req, desired_mechs, cred_usage,
                                 output_cred_handle, actual_mechs, time_rec);
}

OM_uint32 gss_release_cred(OM_uint32 *minor_status, gss_cred_id_t *cred_handle) {
    REAL_GSS(gss_release_cred);
    if (!real_gss_release_cred)
        return gss_unavailable(minor_status);
    return real_gss_release_cred(minor_status, cred_handle);
}

OM_uint32 gss_init_sec_context(OM_uint32 *minor_status, gss_cred_id_t claimant_cred_handle,
                               gss_ctx_id_t *context_handle, gss_name_t target_name,
                               gss_OID mech_type, OM_uint32 req_flags, OM_uint32 time_req,
                               gss_channel_bindings_t input_chan_bindings, gss_buffer_t input_token,
                               gss_OID *actual_mech_type, gss_buffer_t output_token,
                               OM_uint32 *ret_flags, OM_uint32 *time_rec) {
    REAL_GSS(gss_init_sec_context);
    if (!real_gss_init_sec_context)
        return gss_unavailable(minor_status);
    return real_gss_init_sec_context(minor_status, claimant_cred_handle, context_handle,
                                     target_name, mech_type, req_flags, time_req,
                                     input_chan_bindings, input_token, actual_mech_type,
                                     output_token, ret_flags, time_rec);
}

OM_uint32 gss_delete_sec_context(OM_uint32 *minor_status, gss_ctx_id_t *context_handle,
                                 gss_buffer_t output_token) {
    REAL_GSS(gss_delete_sec_context);
    if (!real_gss_delete_sec_context)
        return gss_unavailable(minor_status);
    return real_gss_delete_sec_context(minor_status, context_handle, output_token);
}

OM_uint32 gss_wrap(OM_uint32 *minor_status, gss_ctx_id_t context_handle, int conf_req_flag,
                   gss_qop_t qop_req, gss_buffer_t input_message_buffer, int *conf_state,
                   gss_buffer_t output_message_buffer) {
    REAL_GSS(gss_wrap);
    if (!real_gss_wrap)
        return gss_unavailable(minor_status);
    return real_gss_wrap(minor_status, context_handle, conf_req_flag, qop_req, input_message_buffer,
                         conf_state, output_message_buffer);
}

OM_uint32 gss_unwrap(OM_uint32 *minor_status, gss_ctx_id_t context_handle,
                     gss_buffer_t input_message_buffer, gss_buffer_t output_message_buffer,
                     int *conf_state, gss_qop_t *qop_state) {
    REAL_GSS(gss_unwrap);
    if (!real_gss_unwrap)
        return gss_unavailable(minor_status);
    return real_gss_unwrap(minor_status, context_handle, input_message_buffer,
                           output_message_buffer, conf_state, qop_state);
}

OM_uint32 gss_wrap_size_limit(OM_uint32 *minor_status, gss_ctx_id_t context_handle,
                              int conf_req_flag, gss_qop_t qop_req, OM_uint32 req_output_size,
                              OM_uint32 *max_input_size) {
    REAL_GSS(gss_wrap_size_limit);
    if (!real_gss_wrap_size_limit)
        return gss_unavailable(minor_status);
    return real_gss_wrap_size_limit(minor_status, context_handle, conf_req_flag, qop_req,
                                    req_output_size, max_input_size);
}

OM_uint32 gss_display_status(OM_uint32 *minor_status, OM_uint32 status_value, int status_type,
                             gss_OID mech_type, OM_uint32 *message_context,
                             gss_buffer_t status_string) {
    REAL_GSS(gss_display_status);
    if (!real_gss_display_status) {
        // libpq loops while *message_context is non-zero: end the loop with an empty message
        if (message_context)
            *message_context = 0;
        if (status_string) {
            status_string->length = 0;
            status_string->value = nullptr;
        }
        return gss_unavailable(minor_status);
    }
    return real_gss_display_status(minor_status, status_value, status_type, mech_type,
                                   message_context, status_string);
}

OM_uint32 gss_import_name(OM_uint32 *minor_status, gss_buffer_t input_name_buffer,
                          gss_OID input_name_type, gss_name_t *output_name) {
    REAL_GSS(gss_import_name);
    if (!real_gss_import_name)
        return gss_unavailable(minor_status);
    return real_gss_import_name(minor_status, input_name_buffer, input_name_type, output_name);
}

OM_uint32 gss_release_name(OM_uint32 *minor_status, gss_name_t *input_name) {
    REAL_GSS(gss_release_name);
    if (!real_gss_release_name)
        return gss_unavailable(minor_status);
    return real_gss_release_name(minor_status, input_name);
}

OM_uint32 gss_release_buffer(OM_uint32 *minor_status, gss_buffer_t buffer) {
    REAL_GSS(gss_release_buffer);
    if (!real_gss_release_buffer)
        return gss_unavailable(minor_status);
    return real_gss_release_buffer(minor_status, buffer);
}

LDAP *ldap_init(const char *host, int port) {
    REAL_LDAP(ldap_init);
    return real_ldap_init ? real_ldap_init(host, port) : nullptr;
}

int ldap_set_option(LDAP *ld, int option, const void *invalue) {
    REAL_LDAP(ldap_set_option);
    return real_ldap_set_option ? real_ldap_set_option(ld, option, invalue) : LDAP_OPT_ERROR;
}

int ldap_simple_bind(LDAP *ld, const char *who, const char *passwd) {
    REAL_LDAP(ldap_simple_bind);
    return real_ldap_simple_bind ? real_ldap_simple_bind(ld, who, passwd) : -1;
}

int ldap_result(LDAP *ld, int msgid, int all, struct timeval *timeout, LDAPMessage **result) {
    REAL_LDAP(ldap_result);
    return real_ldap_result ? real_ldap_result(ld, msgid, all, timeout, result) : -1;
}

int ldap_search_st(LDAP *ld, const char *base, int scope, const char *filter, char **attrs,
                   int attrsonly, struct timeval *timeout, LDAPMessage **res) {
    REAL_LDAP(ldap_search_st);
    return real_ldap_search_st
               ? real_ldap_search_st(ld, base, scope, filter, attrs, attrsonly, timeout, res)
               : LDAP_OTHER;
}

int ldap_count_entries(LDAP *ld, LDAPMessage *chain) {
    REAL_LDAP(ldap_count_entries);
    return real_ldap_count_entries ? real_ldap_count_entries(ld, chain) : -1;
}

LDAPMessage *ldap_first_entry(LDAP *ld, LDAPMessage *chain) {
    REAL_LDAP(ldap_first_entry);
    return real_ldap_first_entry ? real_ldap_first_entry(ld, chain) : nullptr;
}

struct berval **ldap_get_values_len(LDAP *ld, LDAPMessage *entry, const char *target) {
    REAL_LDAP(ldap_get_values_len);
    return real_ldap_get_values_len ? real_ldap_get_values_len(ld, entry, target) : nullptr;
}

void ldap_value_free_len(struct berval **vals) {
    REAL_LDAP(ldap_value_free_len);
    if (real_ldap_value_free_len)
        real_ldap_value_free_len(vals);
}

int ldap_msgfree(LDAPMessage *lm) {
    REAL_LDAP(ldap_msgfree);
    return real_ldap_msgfree ? real_ldap_msgfree(lm) : -1;
}

int ldap_unbind(LDAP *ld) {
    REAL_LDAP(ldap_unbind);
    return real_ldap_unbind ? real_ldap_unbind(ld) : -1;
}

char *ldap_err2string(int err) {
    REAL_LDAP(ldap_err2string);
    if (real_ldap_err2string)
        return real_ldap_err2string(err);
    return const_cast<char *>("LDAP library (" PGMIG_LDAP_SONAME ") could not be loaded");
}

} // extern "C"
