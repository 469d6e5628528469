#include <malloc.h>

/* mallopt is a macro-configured C call; one named function for Swift. 1 on success. */
static inline int trellis_limit_malloc_arenas(int count) {
    return mallopt(M_ARENA_MAX, count);
}

/* Gives the allocator's free memory back to the system (every arena). */
static inline int trellis_malloc_trim(void) {
    return malloc_trim(0);
}
