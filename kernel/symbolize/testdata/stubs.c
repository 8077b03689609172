/* Stand-ins for the KCSAN runtime, compiled without instrumentation, so
 * race.c links without libtsan or a libc. */
void __tsan_init(void) {}
void __tsan_read8(void *p) { (void)p; }
void __tsan_write8(void *p) { (void)p; }
void _start(void) { for (;;) ; }
