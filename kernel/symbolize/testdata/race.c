/* Compiled by symbolize_test.go with KCSAN's instrumentation flags: each
 * access to test_var becomes a call to __tsan_{read,write}8 followed by
 * the access, as in a KCSAN kernel. inner_write is inlined twice deep
 * into writer, so its access site has two inlined frames. */
long test_var;

static inline __attribute__((always_inline)) void inner_write(long v)
{
	test_var = v;
}

static inline __attribute__((always_inline)) void outer_write(long v)
{
	inner_write(v + 1);
}

__attribute__((noinline)) void writer(long v)
{
	outer_write(v);
}

__attribute__((noinline)) long reader(void)
{
	return test_var;
}

int main(void)
{
	writer(1);
	return (int)reader();
}
