// The stand-ins for libpq's GSSAPI and LDAP libraries (client/src/libpq_lazy_deps.cpp) when the
// libraries cannot be opened: this executable builds them with sonames that do not exist
// (test/client/CMakeLists.txt). Each call must fail the way the real library reports failure, so
// that libpq goes on without GSSAPI, ends its loop over status messages, and names the LDAP
// error instead of crashing on a missing function.
#define LDAP_DEPRECATED 1
#include <gssapi/gssapi.h>
#include <ldap.h>

#include <gtest/gtest.h>
#include <string>

TEST(LibpqLazyDepsMissing, GssCallsFailWithGssFailure) {
    OM_uint32 minor = 12345;
    gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
    EXPECT_EQ(gss_acquire_cred(&minor, GSS_C_NO_NAME, 0, GSS_C_NO_OID_SET, GSS_C_INITIATE, &cred,
                               nullptr, nullptr),
              static_cast<OM_uint32>(GSS_S_FAILURE));
    EXPECT_EQ(minor, 0u);
    EXPECT_EQ(cred, GSS_C_NO_CREDENTIAL);
    std::string service = "postgres@localhost";
    gss_buffer_desc in{service.size(), service.data()};
    gss_name_t name = GSS_C_NO_NAME;
    minor = 1;
    EXPECT_EQ(gss_import_name(&minor, &in, GSS_C_NT_HOSTBASED_SERVICE, &name),
              static_cast<OM_uint32>(GSS_S_FAILURE));
    EXPECT_EQ(minor, 0u);
    EXPECT_EQ(name, GSS_C_NO_NAME);
}

// libpq repeats gss_display_status while *message_context is non-zero.
TEST(LibpqLazyDepsMissing, GssStatusLoopEndsWithAnEmptyMessage) {
    OM_uint32 minor = 0, context = 7;
    gss_buffer_desc text{5, const_cast<char *>("stale")};
    EXPECT_EQ(
        gss_display_status(&minor, GSS_S_BAD_NAME, GSS_C_GSS_CODE, GSS_C_NO_OID, &context, &text),
        static_cast<OM_uint32>(GSS_S_FAILURE));
    EXPECT_EQ(context, 0u);
    EXPECT_EQ(text.length, 0u);
    EXPECT_EQ(text.value, nullptr);
}

TEST(LibpqLazyDepsMissing, LdapCallsFailAndTheErrorNamesTheLibrary) {
    EXPECT_EQ(ldap_init("localhost", 389), nullptr);
    EXPECT_EQ(
        ldap_search_st(nullptr, "dc=x", LDAP_SCOPE_BASE, "(cn=*)", nullptr, 0, nullptr, nullptr),
        LDAP_OTHER);
    EXPECT_EQ(ldap_simple_bind(nullptr, nullptr, nullptr), -1);
    std::string msg = ldap_err2string(LDAP_OTHER);
    EXPECT_NE(msg.find("could not be loaded"), std::string::npos) << msg;
    EXPECT_NE(msg.find(PGMIG_LDAP_SONAME), std::string::npos) << msg;
}
