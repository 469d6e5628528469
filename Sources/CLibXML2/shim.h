#ifndef TRELLIS_CLIBXML2_SHIM_H
#define TRELLIS_CLIBXML2_SHIM_H

/* Debian builds libxml2 with ICU, and Foundation carries its own ICU: hide libxml2's so the two
   UErrorCode definitions never meet in one Swift file. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>
#include <libxml/parserInternals.h>
#include <string.h>

/* xmlFree is a global function pointer: Swift 6 sees it as shared mutable state. */
static inline void cxml_free(void *p) { xmlFree(p); }

/* Refuses every external resource (DTDs, external entities, XInclude) whatever the parse options. */
static inline xmlParserInputPtr cxml_refuse_external_entity(const char *url, const char *id,
                                                            xmlParserCtxtPtr ctxt) {
    (void)url; (void)id; (void)ctxt;
    return NULL;
}

static inline void cxml_install_safe_entity_loader(void) {
    xmlSetExternalEntityLoader(cxml_refuse_external_entity);
}

static inline const char *cxml_dotted_version(void) { return LIBXML_DOTTED_VERSION; }

/* Equality of two xmlChar strings, for element-name dispatch without allocating. */
static inline int cxml_name_is(const xmlChar *name, const char *literal) {
    return name != NULL && strcmp((const char *)name, literal) == 0;
}

#endif
