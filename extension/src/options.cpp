// options.cpp: reading the `options jsonb` argument. PG zone.
#include "options.hpp"

namespace mig {

static JsonbValue *opt_get(Jsonb *jb, const char *key) {
    if (jb == nullptr || !JB_ROOT_IS_OBJECT(jb))
        return nullptr;
    JsonbValue k;
    k.type = jbvString;
    k.val.string.val = const_cast<char *>(key);
    k.val.string.len = (int)strlen(key);
    return findJsonbValueFromContainer(&jb->root, JB_FOBJECT, &k);
}

void require_object(Jsonb *options) {
    if (options && !JB_ROOT_IS_OBJECT(options))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("options must be a JSON object")));
}

bool opt_bool(Jsonb *jb, const char *key, bool dflt) {
    JsonbValue *v = opt_get(jb, key);
    if (v == nullptr || v->type == jbvNull)
        return dflt;
    if (v->type == jbvBool)
        return v->val.boolean;
    if (v->type == jbvString) {
        char *s = pnstrdup(v->val.string.val, v->val.string.len);
        bool out;
        if (parse_bool(s, &out))
            return out;
    }
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("option \"%s\" must be a boolean", key)));
    return dflt;
}

char *opt_str(Jsonb *jb, const char *key) {
    JsonbValue *v = opt_get(jb, key);
    if (v == nullptr || v->type != jbvString)
        return nullptr;
    return pnstrdup(v->val.string.val, v->val.string.len);
}

} // namespace mig
