"""Closed vocabularies of texts that programs print in a value's place: an error's text, a status's reason.

A slot holding such a text is a variable even where only two of its texts are seen (`_known_texts` in the miner),
where the line shows what the text is: an errno or a system call's name before an error's text, a status code
before a reason phrase:
`connect: connection refused` and `connect: no route to host` are one statement given two errors, while two words
outside a vocabulary (`Reachable` / `Unreachable`) may name two statements and need the slot's statistics.
Texts are lowercased, one a line below.
"""

from __future__ import annotations


def _lines(text: str) -> frozenset[str]:
    return frozenset(line.lower() for line in text.strip().splitlines())


# The C library's strerror texts (glibc's, each errno of Linux whose text has more than one word). Go's syscall
# errno texts are the same, lowercased (`connect: connection refused`), and so are Java's socket exceptions'
# (`Connection refused`, `Broken pipe`); then Go's net package (`i/o timeout`, `use of closed network connection`)
# and Java's `SocketException` (`Connection reset`, `Socket closed`).
ERROR_TEXTS = _lines(
    """
.lib section in a.out corrupted
Accessing a corrupted shared library
Address already in use
Address family not supported by protocol
Advertise error
Argument list too long
Attempting to link in too many shared libraries
Bad address
Bad file descriptor
Bad font file format
Bad message
Block device required
Broken pipe
Can not access a needed shared library
Cannot allocate memory
Cannot assign requested address
Cannot exec a shared library directly
Cannot send after transport endpoint shutdown
Channel number out of range
Communication error on send
Connection refused
Connection reset
Connection reset by peer
Connection timed out
Destination address required
Device not a stream
Device or resource busy
Directory not empty
Disk quota exceeded
Exchange full
Exec format error
File descriptor in bad state
File exists
File name too long
File too large
Function not implemented
Host is down
Identifier removed
Illegal seek
Inappropriate ioctl for device
Input/output error
Interrupted system call
Interrupted system call should be restarted
Invalid argument
Invalid cross-device link
Invalid exchange
Invalid or incomplete multibyte or wide character
Invalid request code
Invalid request descriptor
Invalid slot
Is a directory
Is a named type file
Key has been revoked
Key has expired
Key was rejected by service
Level 2 halted
Level 2 not synchronized
Level 3 halted
Level 3 reset
Link has been severed
Link number out of range
Machine is not on the network
Message too long
Multihop attempted
Name not unique on network
Network dropped connection on reset
Network is down
Network is unreachable
No CSI structure available
No XENIX semaphores available
No anode
No buffer space available
No child processes
No data available
No locks available
No medium found
No message of desired type
No route to host
No space left on device
No such device
No such device or address
No such file or directory
No such process
Not a XENIX named type file
Not a directory
Numerical argument out of domain
Numerical result out of range
Object is remote
Operation already in progress
Operation canceled
Operation not permitted
Operation not possible due to RF-kill
Operation not supported
Operation now in progress
Out of streams resources
Owner died
Package not installed
Permission denied
Protocol driver not attached
Protocol error
Protocol family not supported
Protocol not available
Protocol not supported
Protocol wrong type for socket
RFS specific error
Read-only file system
Remote I/O error
Remote address changed
Required key not available
Resource deadlock avoided
Resource temporarily unavailable
Socket closed
Socket operation on non-socket
Socket type not supported
Software caused connection abort
Srmount error
Stale file handle
State not recoverable
Streams pipe error
Structure needs cleaning
Text file busy
Timer expired
Too many levels of symbolic links
Too many links
Too many open files
Too many open files in system
Too many references: cannot splice
Too many users
Transport endpoint is already connected
Transport endpoint is not connected
Value too large for defined data type
Wrong medium type
i/o timeout
use of closed network connection
"""
)

# System calls a program names before their error's text: `perror(3)`'s `connect: Connection refused`, Go's
# `os.SyscallError` and `net.OpError` (`dial tcp 10.0.0.1:80: connect: connection refused`, `write: broken pipe`).
SYSTEM_CALLS = _lines(
    """
accept
accept4
access
bind
chdir
chmod
chown
chroot
close
connect
creat
dial
dup
dup2
epoll_create
epoll_ctl
epoll_wait
execve
fallocate
fchmod
fchown
fcntl
fdatasync
flock
fork
fstat
fsync
ftruncate
getpeername
getsockname
getsockopt
inotify_add_watch
ioctl
kill
link
listen
lseek
lstat
mkdir
mknod
mmap
mount
munmap
open
openat
pipe
pipe2
poll
pread
pwrite
read
readlink
readv
recv
recvfrom
recvmsg
rename
rmdir
select
send
sendfile
sendmmsg
sendmsg
sendto
setsockopt
shutdown
socket
socketpair
splice
stat
statfs
symlink
truncate
umount
unlink
unlinkat
utime
wait
waitpid
write
writev
"""
)

# The IANA HTTP Status Code Registry's reason phrases of more than one word (RFC 9110 and the RFCs it names, with
# the names RFC 9110 replaced: `Request Entity Too Large`, `Unprocessable Entity`): a status line's reason.
REASON_PHRASES = _lines(
    """
Already Reported
Bad Gateway
Bad Request
Content Too Large
Early Hints
Expectation Failed
Failed Dependency
Gateway Timeout
HTTP Version Not Supported
IM Used
Insufficient Storage
Internal Server Error
Length Required
Loop Detected
Method Not Allowed
Misdirected Request
Moved Permanently
Multiple Choices
Network Authentication Required
No Content
Non-Authoritative Information
Not Acceptable
Not Extended
Not Found
Not Implemented
Not Modified
Partial Content
Payload Too Large
Payment Required
Permanent Redirect
Precondition Failed
Precondition Required
Proxy Authentication Required
Range Not Satisfiable
Request Entity Too Large
Request Header Fields Too Large
Request Timeout
Request-URI Too Long
Requested Range Not Satisfiable
Reset Content
See Other
Service Unavailable
Switching Protocols
Temporary Redirect
Too Early
Too Many Requests
URI Too Long
Unavailable For Legal Reasons
Unprocessable Content
Unprocessable Entity
Unsupported Media Type
Upgrade Required
Use Proxy
Variant Also Negotiates
"""
)

# The registry's phrases of one word: a reason only right after its status code (`403 Forbidden`).
SHORT_REASON_PHRASES = _lines(
    """
Accepted
Conflict
Continue
Created
Forbidden
Found
Gone
Locked
Multi-Status
OK
Processing
Unauthorized
"""
)
