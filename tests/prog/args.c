/* tests/prog/args.c — what a program finds at its start: argv, chosen
 * environment variables and the auxiliary vector entries whose values do
 * not depend on where things were mapped. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

int main(int argc, char **argv, char **envp)
{
	int n = 0;

	printf("argc %d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d] = '%s'\n", i, argv[i]);
	for (char **e = envp; *e; e++)
		if (!strncmp(*e, "PERSONA_TEST_", 13))
			printf("env %s\n", *e);
		else
			n++;
	printf("other environment variables: %s\n", n ? "some" : "none");
	printf("AT_PAGESZ %lu\n", getauxval(AT_PAGESZ));
	printf("AT_CLKTCK %lu\n", getauxval(AT_CLKTCK));
	printf("AT_UID %d AT_EUID %d AT_GID %d AT_EGID %d\n", getauxval(AT_UID) == getuid(),
	       getauxval(AT_EUID) == geteuid(), getauxval(AT_GID) == getgid(), getauxval(AT_EGID) == getegid());
	printf("AT_SECURE %lu\n", getauxval(AT_SECURE));
	printf("AT_PLATFORM %s\n", (const char *)getauxval(AT_PLATFORM));
	printf("AT_EXECFN %s\n", (const char *)getauxval(AT_EXECFN));
	printf("AT_HWCAP %s\n", getauxval(AT_HWCAP) ? "set" : "0");
	printf("AT_SYSINFO %s AT_SYSINFO_EHDR %s\n", getauxval(AT_SYSINFO) ? "set" : "0",
	       getauxval(AT_SYSINFO_EHDR) ? "set" : "0");
	printf("AT_RANDOM %s AT_PHDR %s AT_ENTRY %s\n", getauxval(AT_RANDOM) ? "set" : "0",
	       getauxval(AT_PHDR) ? "set" : "0", getauxval(AT_ENTRY) ? "set" : "0");
	printf("AT_PHENT %lu\n", getauxval(AT_PHENT));
	/* the keys, in order: the kernel's list, whoever loaded the program */
	char **e = envp;
	while (*e)
		e++;
	printf("auxv keys:");
	for (unsigned long *a = (unsigned long *)(e + 1); a[0]; a += 2)
		printf(" %lu", a[0]);
	printf("\n");
	printf("AT_MINSIGSTKSZ %s\n", getauxval(AT_MINSIGSTKSZ) ? "set" : "0");
	printf("stack aligned: %s\n", ((unsigned long)__builtin_frame_address(0) & 3) == 0 ? "yes" : "no");
	return 0;
}
