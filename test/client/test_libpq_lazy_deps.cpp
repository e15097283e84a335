// The stand-ins for libpq's GSSAPI and LDAP libraries (client/src/libpq_lazy_deps.cpp) reach the
// real libraries: each answer below comes from the library, not from the stand-in's fallback.
// Built only when pgmig links libpq statically (cmake/libpq_link.cmake).
#define LDAP_DEPRECATED 1
#include <dlfcn.h>
#include <gssapi/gssapi.h>
#include <ldap.h>

#include <gtest/gtest.h>
#include <string>

TEST(LibpqLazyDeps, LdapErrorStringsComeFromLibldap) {
    EXPECT_STREQ(ldap_err2string(LDAP_SUCCESS), "Success");
    EXPECT_STREQ(ldap_err2string(LDAP_NO_SUCH_OBJECT), "No such object");
}

TEST(LibpqLazyDeps, GssStatusTextComesFromLibgssapi) {
    OM_uint32 minor = 0, context = 0;
    gss_buffer_desc text = GSS_C_EMPTY_BUFFER;
    OM_uint32 major =
        gss_display_status(&minor, GSS_S_BAD_NAME, GSS_C_GSS_CODE, GSS_C_NO_OID, &context, &text);
    ASSERT_EQ(major, static_cast<OM_uint32>(GSS_S_COMPLETE));
    std::string s(static_cast<const char *>(text.value), text.length);
    EXPECT_NE(s.find("name"), std::string::npos) << s;
    gss_release_buffer(&minor, &text);
}

// libpq names the server's principal with GSS_C_NT_HOSTBASED_SERVICE: the stand-in's OID must be
// one the Kerberos mechanism recognises. gss_import_name accepts any name type (the mechanism
// sees it later); converting the name to a Kerberos name is what checks it.
namespace {
OM_uint32 to_kerberos_name(gss_OID name_type) {
    OM_uint32 minor = 0;
    std::string service = "postgres@localhost";
    gss_buffer_desc in{service.size(), service.data()};
    gss_name_t name = GSS_C_NO_NAME;
    OM_uint32 major = gss_import_name(&minor, &in, name_type, &name);
    if (major != GSS_S_COMPLETE)
        return major;
    // loaded by the call above; the stand-ins do not cover gss_canonicalize_name
    void *lib = dlopen(PGMIG_GSSAPI_SONAME, RTLD_NOW | RTLD_NOLOAD);
    if (!lib)
        return GSS_S_UNAVAILABLE;
    auto *canonicalize =
        reinterpret_cast<decltype(&gss_canonicalize_name)>(dlsym(lib, "gss_canonicalize_name"));
    gss_OID_desc krb5 = {9, const_cast<char *>("\x2a\x86\x48\x86\xf7\x12\x01\x02\x02")};
    gss_name_t mech_name = GSS_C_NO_NAME;
    major = canonicalize ? canonicalize(&minor, name, &krb5, &mech_name) : GSS_S_UNAVAILABLE;
    if (mech_name != GSS_C_NO_NAME)
        gss_release_name(&minor, &mech_name);
    gss_release_name(&minor, &name);
    dlclose(lib);
    return major;
}
} // namespace

TEST(LibpqLazyDeps, HostbasedServiceNameTypeIsKerberos) {
    EXPECT_EQ(to_kerberos_name(GSS_C_NT_HOSTBASED_SERVICE), static_cast<OM_uint32>(GSS_S_COMPLETE));
    // a name type the mechanism does not know is refused: the check above is not vacuous
    gss_OID_desc unknown = {3, const_cast<char *>("\x2a\x03\x04")};
    EXPECT_NE(to_kerberos_name(&unknown), static_cast<OM_uint32>(GSS_S_COMPLETE));
}
