# How pgmig links libpq: defines the interface target pgmig_libpq.
#
# PGMIG_STATIC_LIBPQ=ON (the default): libpq.a, with PostgreSQL's libpgcommon_shlib.a and
# libpgport_shlib.a and the shared OpenSSL; client/src/libpq_lazy_deps.cpp stands in for
# libgssapi_krb5 and libldap and opens them on first use. Process start-up then maps 4 shared
# libraries instead of 28 (docs/performance.md, "Process start"). Used only when everything it
# needs is there and matches: libpq.a, the two PostgreSQL archives of the same major version, the
# GSSAPI and LDAP headers, and no GSSAPI or LDAP function in libpq.a that the stand-ins lack;
# otherwise (and with -DPGMIG_STATIC_LIBPQ=OFF, what a distribution package wants, so that
# libpq's security updates reach pgmig without a rebuild) pgmig links the shared libpq.
#
# With the static libpq, OpenSSL is linked statically too (libssl.a and libcrypto.a, when
# libssl-dev has them; -DPGMIG_STATIC_OPENSSL=OFF keeps the shared one): mapping and relocating
# the shared libssl and libcrypto cost 1.8 ms of every run's start-up on the bench machine.
# Defines pgmig_openssl, what pgmig and libpq link for TLS and hashing.
option(PGMIG_STATIC_LIBPQ "link libpq statically, loading its GSSAPI and LDAP libraries on first use" ON)
option(PGMIG_STATIC_OPENSSL "with the static libpq, link OpenSSL statically too" ON)

add_library(pgmig_libpq INTERFACE)
add_library(pgmig_openssl INTERFACE)

# What libpq_lazy_deps.cpp defines; libpq.a may use a subset.
set(_pgmig_lazy_symbols
  GSS_C_NT_HOSTBASED_SERVICE gss_acquire_cred gss_release_cred gss_init_sec_context
  gss_delete_sec_context gss_wrap gss_unwrap gss_wrap_size_limit gss_display_status
  gss_import_name gss_release_name gss_release_buffer
  ldap_init ldap_set_option ldap_simple_bind ldap_result ldap_search_st ldap_count_entries
  ldap_first_entry ldap_get_values_len ldap_value_free_len ldap_msgfree ldap_unbind ldap_err2string)

function(_pgmig_static_libpq_plan out_ok)
  set(${out_ok} OFF PARENT_SCOPE)
  find_program(PGMIG_PG_CONFIG pg_config)
  find_program(PGMIG_NM nm)
  find_program(PGMIG_OBJDUMP objdump)
  if(NOT PGMIG_PG_CONFIG OR NOT PGMIG_NM OR NOT PGMIG_OBJDUMP)
    message(STATUS "pgmig: shared libpq (pg_config, nm or objdump not found)")
    return()
  endif()
  pkg_get_variable(_libdir libpq libdir)
  find_file(PGMIG_LIBPQ_A libpq.a HINTS ${_libdir} NO_DEFAULT_PATH)
  execute_process(COMMAND ${PGMIG_PG_CONFIG} --pkglibdir OUTPUT_VARIABLE _pkglibdir
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${PGMIG_PG_CONFIG} --version OUTPUT_VARIABLE _pg_version
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  find_file(PGMIG_PGCOMMON_A libpgcommon_shlib.a HINTS ${_pkglibdir} NO_DEFAULT_PATH)
  find_file(PGMIG_PGPORT_A libpgport_shlib.a HINTS ${_pkglibdir} NO_DEFAULT_PATH)
  find_path(PGMIG_GSSAPI_INCLUDE gssapi/gssapi.h)
  find_path(PGMIG_LDAP_INCLUDE ldap.h)
  if(NOT PGMIG_LIBPQ_A OR NOT PGMIG_PGCOMMON_A OR NOT PGMIG_PGPORT_A OR NOT PGMIG_GSSAPI_INCLUDE
     OR NOT PGMIG_LDAP_INCLUDE)
    message(STATUS "pgmig: shared libpq (for the static one: libpq.a from libpq-dev, "
                   "libpgcommon_shlib.a and libpgport_shlib.a from postgresql-server-dev, the "
                   "headers of libkrb5-dev and libldap-dev)")
    return()
  endif()
  string(REGEX MATCH "^[0-9]+" _pq_major "${LIBPQ_VERSION}")
  string(REGEX MATCH "[0-9]+" _pg_major "${_pg_version}")
  if(NOT _pq_major STREQUAL _pg_major)
    message(STATUS "pgmig: shared libpq (libpq ${LIBPQ_VERSION} and pg_config's ${_pg_version} "
                   "differ: libpq.a needs the libpgcommon/libpgport of its own version)")
    return()
  endif()
  # The sonames libpq.so itself was linked with: those are what the stand-ins open.
  find_library(_libpq_so NAMES pq HINTS ${_libdir} NO_DEFAULT_PATH)
  execute_process(COMMAND ${PGMIG_OBJDUMP} -p ${_libpq_so} OUTPUT_VARIABLE _dyn)
  string(REGEX MATCH "NEEDED +(libgssapi_krb5[^\n ]*)" _m "${_dyn}")
  set(_gss_soname "${CMAKE_MATCH_1}")
  string(REGEX MATCH "NEEDED +(libldap[^\n ]*)" _m "${_dyn}")
  set(_ldap_soname "${CMAKE_MATCH_1}")
  if(NOT _gss_soname OR NOT _ldap_soname)
    message(STATUS "pgmig: shared libpq (${_libpq_so} does not name libgssapi_krb5 and libldap)")
    return()
  endif()
  # Every GSSAPI/LDAP symbol libpq.a leaves undefined must have its stand-in.
  execute_process(COMMAND ${PGMIG_NM} --undefined-only --format=just-symbols ${PGMIG_LIBPQ_A}
                  OUTPUT_VARIABLE _undef)
  execute_process(COMMAND ${PGMIG_NM} --defined-only --format=just-symbols ${PGMIG_LIBPQ_A}
                  OUTPUT_VARIABLE _def)
  string(REGEX REPLACE "\n" ";" _undef "${_undef}")
  string(REGEX REPLACE "\n" ";" _def "${_def}")
  foreach(_s IN LISTS _undef)
    if(NOT _s MATCHES "^(gss_|GSS_|ldap_)" OR _s IN_LIST _def)
      continue()
    endif()
    if(NOT _s IN_LIST _pgmig_lazy_symbols)
      message(STATUS "pgmig: shared libpq (libpq.a uses ${_s}, which libpq_lazy_deps.cpp lacks)")
      return()
    endif()
  endforeach()
  set(PGMIG_GSSAPI_SONAME "${_gss_soname}" PARENT_SCOPE)
  set(PGMIG_LDAP_SONAME "${_ldap_soname}" PARENT_SCOPE)
  set(${out_ok} ON PARENT_SCOPE)
endfunction()

set(PGMIG_LIBPQ_IS_STATIC OFF)
if(PGMIG_STATIC_LIBPQ)
  _pgmig_static_libpq_plan(PGMIG_LIBPQ_IS_STATIC)
endif()

set(PGMIG_OPENSSL_IS_STATIC OFF)
if(PGMIG_LIBPQ_IS_STATIC AND PGMIG_STATIC_OPENSSL)
  # the archives of the package whose headers and shared libraries FindOpenSSL found
  get_filename_component(_ssl_dir "${OPENSSL_SSL_LIBRARY}" DIRECTORY)
  find_file(PGMIG_LIBSSL_A libssl.a HINTS ${_ssl_dir} NO_DEFAULT_PATH)
  find_file(PGMIG_LIBCRYPTO_A libcrypto.a HINTS ${_ssl_dir} NO_DEFAULT_PATH)
  if(PGMIG_LIBSSL_A AND PGMIG_LIBCRYPTO_A)
    set(PGMIG_OPENSSL_IS_STATIC ON)
  else()
    message(STATUS "pgmig: shared OpenSSL (no libssl.a and libcrypto.a in ${_ssl_dir})")
  endif()
endif()
if(PGMIG_OPENSSL_IS_STATIC)
  message(STATUS "pgmig: static OpenSSL ${OPENSSL_VERSION} (${PGMIG_LIBSSL_A})")
  find_package(Threads REQUIRED)
  target_include_directories(pgmig_openssl INTERFACE ${OPENSSL_INCLUDE_DIR})
  target_link_libraries(pgmig_openssl INTERFACE ${PGMIG_LIBSSL_A} ${PGMIG_LIBCRYPTO_A}
                                                ${CMAKE_DL_LIBS} Threads::Threads)
else()
  target_link_libraries(pgmig_openssl INTERFACE OpenSSL::SSL OpenSSL::Crypto)
endif()

if(PGMIG_LIBPQ_IS_STATIC)
  message(STATUS "pgmig: static libpq (${PGMIG_LIBPQ_A}); ${PGMIG_GSSAPI_SONAME} and "
                 "${PGMIG_LDAP_SONAME} loaded on first use")
  add_library(pgmig_libpq_lazy STATIC ${CMAKE_CURRENT_LIST_DIR}/../client/src/libpq_lazy_deps.cpp)
  target_include_directories(pgmig_libpq_lazy PRIVATE ${PGMIG_GSSAPI_INCLUDE} ${PGMIG_LDAP_INCLUDE})
  target_compile_definitions(pgmig_libpq_lazy PRIVATE
    PGMIG_GSSAPI_SONAME="${PGMIG_GSSAPI_SONAME}" PGMIG_LDAP_SONAME="${PGMIG_LDAP_SONAME}")
  set_target_properties(pgmig_libpq_lazy PROPERTIES POSITION_INDEPENDENT_CODE ON)
  target_include_directories(pgmig_libpq INTERFACE ${LIBPQ_INCLUDE_DIRS})
  # Order matters for archives: libpq.a first, then what it uses.
  target_link_libraries(pgmig_libpq INTERFACE ${PGMIG_LIBPQ_A} pgmig_libpq_lazy ${PGMIG_PGCOMMON_A}
                                              ${PGMIG_PGPORT_A} pgmig_openssl
                                              ${CMAKE_DL_LIBS})
else()
  if(NOT PGMIG_STATIC_LIBPQ)
    message(STATUS "pgmig: shared libpq (PGMIG_STATIC_LIBPQ=OFF)")
  endif()
  target_link_libraries(pgmig_libpq INTERFACE PkgConfig::LIBPQ)
endif()
