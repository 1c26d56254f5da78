"""Confine a worker process that runs SPARQL: no network and a memory ceiling.

Defence in depth behind the query guard: Oxigraph has an HTTP client (for `SERVICE` and
`LOAD`) that no option turns off, so a worker that must not reach the network installs a
seccomp filter (Linux) under which `socket()` fails with EACCES for every address family but
AF_UNIX (the pipe to the server), and `io_uring_setup` fails too (io_uring can open sockets
without the `socket` call). The filter covers every thread of the process and everything it
starts, and cannot be removed. The memory ceiling is RLIMIT_AS: an allocation past it fails, and
Oxigraph (Rust) then stops the process, which the pool reports and replaces.
"""

import ctypes
import errno
import platform
import resource
import struct
import sys

# <linux/filter.h>, <linux/seccomp.h>, <linux/audit.h>
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_ARCHES = {  # machine: (AUDIT_ARCH, seccomp, socket, io_uring_setup syscall numbers)
    "x86_64": (0xC000003E, 317, 41, 425),
    "aarch64": (0xC00000B7, 277, 198, 425),
}
_X32_BIT = 0x40000000
_AF_UNIX = 1
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1


class SandboxError(OSError):
    """The process could not be confined."""


def _instruction(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def _filter(arch: int, socket_nr: int, io_uring_nr: int) -> bytes:
    """The BPF program: deny socket() but for AF_UNIX, io_uring, and other ABIs' calls."""
    deny = _RET_ERRNO | errno.EACCES
    return b"".join(
        [
            _instruction(_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
            _instruction(_JEQ_K, 1, 0, arch),
            _instruction(_RET_K, 0, 0, deny),  # another ABI (32-bit calls): refuse
            _instruction(_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
            _instruction(_JGE_K, 0, 1, _X32_BIT),
            _instruction(_RET_K, 0, 0, deny),  # the x32 ABI
            _instruction(_JEQ_K, 0, 1, io_uring_nr),
            _instruction(_RET_K, 0, 0, deny),
            _instruction(_JEQ_K, 1, 0, socket_nr),
            _instruction(_RET_K, 0, 0, _RET_ALLOW),  # any other call
            _instruction(_LD_W_ABS, 0, 0, 16),  # socket(domain, ...): args[0], low half
            _instruction(_JEQ_K, 0, 1, _AF_UNIX),
            _instruction(_RET_K, 0, 0, _RET_ALLOW),
            _instruction(_RET_K, 0, 0, deny),
        ]
    )


def deny_network() -> None:
    """Make every `socket()` call of this process fail unless it is a Unix socket.

    Raises SandboxError where the kernel or the machine does not allow it."""
    if sys.platform != "linux" or platform.machine() not in _ARCHES:
        raise SandboxError(f"no network sandbox on {sys.platform} {platform.machine()}")
    arch, seccomp_nr, socket_nr, io_uring_nr = _ARCHES[platform.machine()]
    program = _filter(arch, socket_nr, io_uring_nr)
    libc = ctypes.CDLL(None, use_errno=True)
    buffer = ctypes.create_string_buffer(program)
    fprog = struct.pack("HxxxxxxP", len(program) // 8, ctypes.addressof(buffer))
    fprog_buffer = ctypes.create_string_buffer(fprog)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    flags = _SECCOMP_FILTER_FLAG_TSYNC
    if libc.syscall(seccomp_nr, _SECCOMP_SET_MODE_FILTER, flags, fprog_buffer) != 0:
        raise SandboxError(ctypes.get_errno(), "seccomp(SECCOMP_SET_MODE_FILTER) failed")


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space (RLIMIT_AS) at `megabytes`."""
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
