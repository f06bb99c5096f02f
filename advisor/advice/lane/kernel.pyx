# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# distutils: language = c++
"""The compiled half of the fast lane: a clean CSV's rows read, matched, decided and written in C.

Every row this loop cannot prove it handles exactly as the Python path does goes to the host
(`advisor.advice.lane.drive.Host`), which runs that path and hands back the line it writes. What
the loop keeps are caches of answers the host gave — a category's evidence shape, a title's word
layout, a verdict with slots for the row's own words, a decision's pre-rendered columns — each
asked of the host once, on the first row that needs it, and checked against that row's own exact
answer before it is trusted.
"""

from cpython cimport array
from cpython.object cimport PyObject_Hash
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE, PyBytes_FromStringAndSize
from libc.stdlib cimport strtod
from libc.stdio cimport snprintf
from libc.string cimport memchr, memcmp, memcpy
from libcpp.string cimport string
from libcpp.vector cimport vector
from libcpp.unordered_map cimport unordered_map
from libcpp.unordered_set cimport unordered_set
from libcpp.pair cimport pair
from libcpp.algorithm cimport sort
from cython.operator cimport dereference as deref

ctypedef unsigned char uchar
ctypedef pair[uchar, int] Kid
ctypedef vector[Kid] Kids


def _ignore(*_):
    return None


cdef struct Node:
    int fail
    int term      # term id ending here, or -1
    int link      # nearest node on the fail chain with a term, or 0
    int first     # children: kids[first : first + count] (sorted by byte after build)
    int count


cdef class Automaton:
    """Aho-Corasick over bytes with sparse children: all occurrences of every key, by end."""

    cdef vector[Node] nodes
    cdef Kids kids
    cdef int root_next[256]
    cdef unsigned char amap[256]   # byte -> symbol (0: a byte no key holds)
    cdef int nsym
    cdef vector[int] dense         # full transitions of the first `ndense` nodes (by breadth)
    cdef int ndense
    cdef vector[char] outflag      # node -> whether a key ends here or on its fail chain

    def __init__(self, keys):
        cdef vector[Kids] tmp
        cdef vector[int] terms
        cdef Node n
        cdef int i, j, state, child, c, u, v, f, b, sym
        cdef bytes k
        n.fail = 0
        n.term = -1
        n.link = 0
        n.first = 0
        n.count = 0
        # 1. the trie, in insertion order
        tmp.push_back(Kids())
        terms.push_back(-1)
        for i, key in enumerate(keys):
            k = key
            if not k:
                continue
            state = 0
            for j in range(len(k)):
                c = k[j]
                child = -1
                for p in tmp[state]:
                    if p.first == c:
                        child = p.second
                        break
                if child < 0:
                    child = tmp.size()
                    tmp.push_back(Kids())
                    terms.push_back(-1)
                    tmp[state].push_back(Kid(<uchar>c, child))
                state = child
            if terms[state] < 0:
                terms[state] = i
        # 2. renumbered breadth first, so the shallow nodes a scan mostly sits in come first
        #    (and get full rows of transitions) and every node's fail target precedes it
        cdef vector[int] order, new_id
        new_id.resize(tmp.size(), -1)
        order.push_back(0)
        new_id[0] = 0
        cdef size_t head = 0
        while head < order.size():
            u = order[head]
            head += 1
            sort(tmp[u].begin(), tmp[u].end())
            for p in tmp[u]:
                new_id[p.second] = order.size()
                order.push_back(p.second)
        for i in range(<int>order.size()):
            u = order[i]
            n.term = terms[u]
            n.first = self.kids.size()
            n.count = tmp[u].size()
            self.nodes.push_back(n)
            for p in tmp[u]:
                self.kids.push_back(Kid(p.first, new_id[p.second]))
        tmp.clear()
        tmp.shrink_to_fit()
        for c in range(256):
            self.root_next[c] = 0
        for j in range(self.nodes[0].count):
            self.root_next[self.kids[j].first] = self.kids[j].second
        # 3. fail and output links, in id (= breadth) order
        for u in range(<int>self.nodes.size()):
            for j in range(self.nodes[u].first, self.nodes[u].first + self.nodes[u].count):
                c = self.kids[j].first
                v = self.kids[j].second
                if u == 0:
                    self.nodes[v].fail = 0
                else:
                    f = self.nodes[u].fail
                    while True:
                        child = self._child(f, c)
                        if child >= 0:
                            self.nodes[v].fail = child
                            break
                        if f == 0:
                            self.nodes[v].fail = 0
                            break
                        f = self.nodes[f].fail
                f = self.nodes[v].fail
                self.nodes[v].link = f if self.nodes[f].term >= 0 else self.nodes[f].link
        self.outflag.resize(self.nodes.size(), 0)
        for u in range(<int>self.nodes.size()):
            self.outflag[u] = self.nodes[u].term >= 0 or self.nodes[u].link != 0
        # 4. full rows of transitions for the first nodes, over the keys' alphabet
        for b in range(256):
            self.amap[b] = 0
        self.nsym = 1
        for key in keys:
            for b in <bytes>key:
                if self.amap[b] == 0:
                    self.amap[b] = self.nsym
                    self.nsym += 1
        cdef int[256] sym_byte
        for b in range(256):
            if self.amap[b]:
                sym_byte[self.amap[b]] = b
        self.ndense = min(<int>self.nodes.size(), 4096)
        self.dense.resize(self.ndense * self.nsym, 0)
        for u in range(self.ndense):
            for sym in range(1, self.nsym):
                child = self._child(u, sym_byte[sym])
                if child >= 0:
                    self.dense[u * self.nsym + sym] = child
                elif u:
                    self.dense[u * self.nsym + sym] = self.dense[self.nodes[u].fail * self.nsym + sym]

    cdef inline int _child(self, int state, int c) noexcept nogil:
        cdef int lo, hi, mid
        if state == 0:
            return self.root_next[c] if self.root_next[c] else -1
        lo = self.nodes[state].first
        hi = lo + self.nodes[state].count
        while lo < hi:
            mid = (lo + hi) >> 1
            if self.kids[mid].first < c:
                lo = mid + 1
            else:
                hi = mid
        if lo < self.nodes[state].first + self.nodes[state].count and self.kids[lo].first == c:
            return self.kids[lo].second
        return -1

    cdef inline int _step(self, int state, int c) noexcept nogil:
        cdef int child
        cdef int sym = self.amap[c]
        if sym == 0:
            return 0  # no key holds this byte: every match is broken
        while True:
            if state < self.ndense:
                return self.dense[state * self.nsym + sym]
            child = self._child(state, c)
            if child >= 0:
                return child
            if state == 0:
                return 0
            state = self.nodes[state].fail

    cdef void scan(self, const char* text, int size, vector[int]& out) noexcept nogil:
        """(end, term) pairs appended to `out`, by end position, longest first at one end."""
        cdef int i, state = 0, t
        for i in range(size):
            state = self._step(state, <unsigned char>text[i])
            if not self.outflag[state]:  # the common case: one small array, not the node
                continue
            t = state if self.nodes[state].term >= 0 else self.nodes[state].link
            while t:
                out.push_back(i)
                out.push_back(self.nodes[t].term)
                t = self.nodes[t].link

    def find(self, bytes text):
        """Every (end, term) in `text` (for tests: the scan the lane keys titles on)."""
        cdef vector[int] out
        self.scan(PyBytes_AS_STRING(text), PyBytes_GET_SIZE(text), out)
        return [(out[i], out[i + 1]) for i in range(0, out.size(), 2)]


cdef struct Slot:
    unsigned long long h   # 0: empty
    int off
    int size
    int val


cdef class KeyMap:
    """Byte-string keys to ints, open addressing over one slot array and one key arena: a
    look-up touches a slot and its key's bytes, not the three scattered allocations of a
    node-based map (they were a seventh of a row's time)."""

    cdef vector[Slot] slots
    cdef string arena
    cdef size_t used
    cdef size_t mask

    def __cinit__(self):
        cdef Slot empty
        empty.h = 0
        empty.off = empty.size = empty.val = 0
        self.slots.assign(1024, empty)
        self.mask = 1023
        self.used = 0

    def stats(self):
        """(keys, bytes held): for the benchmark's account of memory."""
        return self.used, self.slots.size() * sizeof(Slot) + self.arena.capacity()

    cdef inline unsigned long long _hash(self, const string& key) noexcept nogil:
        # eight bytes a step, multiply and fold (the keys are compared in full on a hit)
        cdef unsigned long long h = 0x9E3779B97F4A7C15ULL ^ key.size()
        cdef unsigned long long w
        cdef size_t i = 0, n = key.size()
        cdef const char* p = key.data()
        while i + 8 <= n:
            memcpy(&w, p + i, 8)
            h = (h ^ w) * 0xBF58476D1CE4E5B9ULL
            h ^= h >> 31
            i += 8
        w = 0
        if i < n:
            memcpy(&w, p + i, n - i)
            h = (h ^ w) * 0x94D049BB133111EBULL
        h ^= h >> 29
        h *= 0xBF58476D1CE4E5B9ULL
        h ^= h >> 32
        return h | 1

    cdef inline int get(self, const string& key) noexcept nogil:
        cdef unsigned long long h = self._hash(key)
        cdef size_t i = h & self.mask
        cdef Slot* s
        while True:
            s = &self.slots[i]
            if s.h == 0:
                return -1
            if s.h == h and <size_t>s.size == key.size() and memcmp(self.arena.data() + s.off, key.data(), key.size()) == 0:
                return s.val
            i = (i + 1) & self.mask

    cdef void put(self, const string& key, int val) noexcept:
        cdef unsigned long long h = self._hash(key)
        cdef size_t i
        cdef Slot empty
        cdef vector[Slot] old
        if (self.used + 1) * 2 > self.slots.size():
            empty.h = 0
            empty.off = empty.size = empty.val = 0
            old.swap(self.slots)
            self.slots.assign(old.size() * 2, empty)
            self.mask = self.slots.size() - 1
            for s in old:
                if s.h:
                    i = s.h & self.mask
                    while self.slots[i].h:
                        i = (i + 1) & self.mask
                    self.slots[i] = s
        i = h & self.mask
        while self.slots[i].h:
            i = (i + 1) & self.mask
        self.slots[i].h = h
        self.slots[i].off = self.arena.size()
        self.slots[i].size = key.size()
        self.slots[i].val = val
        self.arena.append(key)
        self.used += 1


cdef struct Span:
    int a
    int b


cdef struct Layout:
    int words       # the host's id of (words, context), or -1: this layout goes to the host
    int first       # spans[first : first + count]
    int count


cdef struct Seg:
    int kind        # 0 literal, 1 category text, 2 the row's word
    int index       # text or word index; for a literal, its offset in `lits`
    int size


cdef struct Verdict:
    int klass       # -1: rows with this verdict go to the host
    int first       # segs[first : first + count]
    int count


cdef struct Decision:
    int shared
    string head
    string tail
    string end


cdef inline bint _space(unsigned char c) noexcept nogil:
    # str.strip()'s ASCII whitespace, and any byte of a multi-byte character (\xa0, \u3000 ...)
    return c == 32 or (9 <= c <= 13) or (28 <= c <= 31) or c >= 128


cdef inline bint _digits(const char* p, int n) noexcept nogil:
    cdef int i
    for i in range(n):
        if not (48 <= <unsigned char>p[i] <= 57):
            return False
    return True


cdef inline bint _needs_quote(const char* p, int n) noexcept nogil:
    cdef int i
    cdef char c
    for i in range(n):
        c = p[i]
        if c == 34 or c == 44 or c == 13 or c == 10:
            return True
    return False


cdef inline void _cell(string& out, const char* p, int n) noexcept nogil:
    """`p` as a CSV cell (quoted only when it must be, as csv.writer and the writers do)."""
    cdef int i
    if not _needs_quote(p, n):
        out.append(p, n)
        return
    out.push_back(34)
    for i in range(n):
        if p[i] == 34:
            out.push_back(34)
        out.push_back(p[i])
    out.push_back(34)


cdef inline Py_ssize_t _record_end(const char* base, Py_ssize_t i, Py_ssize_t size,
                                   bint last) noexcept nogil:
    """Where the next record starts when this one ends at base[i] (a newline, or a carriage
    return and a newline); -1: the next block must say; -2: anything else (a lone carriage
    return, a NUL, text after a closing quote)."""
    cdef char c = base[i]
    if c == 10:
        return i + 1
    if c == 13 and i + 1 < size and base[i + 1] == 10:
        return i + 2
    if c == 13 and i + 1 >= size and not last:
        return -1
    return -2


cdef inline void _itoa(string& out, long v) noexcept nogil:
    cdef char buf[24]
    cdef int n = 0
    if v == 0:
        out.push_back(48)
        return
    while v > 0:
        buf[n] = 48 + v % 10
        v //= 10
        n += 1
    while n > 0:
        n -= 1
        out.push_back(buf[n])


cdef inline bint _valid_utf8(const unsigned char* p, int n) noexcept nogil:
    cdef int i = 0, extra, j
    cdef unsigned int c, cp
    while i < n:
        c = p[i]
        if c < 0x80:
            i += 1
            continue
        if 0xC2 <= c <= 0xDF:
            extra = 1
            cp = c & 0x1F
        elif 0xE0 <= c <= 0xEF:
            extra = 2
            cp = c & 0x0F
        elif 0xF0 <= c <= 0xF4:
            extra = 3
            cp = c & 0x07
        else:
            return False
        for j in range(1, extra + 1):
            if i + j >= n or (p[i + j] & 0xC0) != 0x80:
                return False
            cp = (cp << 6) | (p[i + j] & 0x3F)
        if (extra == 2 and (cp < 0x800 or 0xD800 <= cp <= 0xDFFF)) or (extra == 3 and (cp < 0x10000 or cp > 0x10FFFF)):
            return False
        i += extra + 1
    return True


cdef inline unsigned long long _mix(unsigned long long x) noexcept nogil:
    x ^= x >> 30
    x *= 0xBF58476D1CE4E5B9ULL
    x ^= x >> 27
    x *= 0x94D049BB133111EBULL
    x ^= x >> 31
    return x


cdef inline bint _loose(unsigned char c) noexcept nogil:
    """A byte the reader may strip from a SKU's ends: whitespace (ASCII or, as UTF-8, not),
    and the apostrophe Excel puts before a number kept as text."""
    return c <= 32 or c >= 128 or c == 39


cdef unsigned long long _key_hash(const char* p, Py_ssize_t n) noexcept nogil:
    """A SKU cell's hash with every `_loose` byte at its ends dropped. Two cells the reader
    reads as one SKU (`strip()`, then `strip_excel`) have the same such form, so the same hash."""
    cdef Py_ssize_t a = 0, b = n, i
    cdef unsigned long long h, w
    while a < b and _loose(<unsigned char>p[a]):
        a += 1
    while b > a and _loose(<unsigned char>p[b - 1]):
        b -= 1
    h = 0x9E3779B97F4A7C15ULL ^ <unsigned long long>(b - a)
    i = a
    while i + 8 <= b:
        memcpy(&w, p + i, 8)
        h = _mix(h ^ w)
        i += 8
    w = 0
    memcpy(&w, p + i, b - i)
    h = _mix(h ^ w ^ (<unsigned long long>(b - i) << 56))
    return h if h else 1


cdef class DupFilter:
    """The SKUs that may occur twice in a file, found before it is evaluated, in fixed memory.

    Counting pass: each record's SKU cells (the SKU column and the columns read when it is
    blank) go through a blocked Bloom filter; a cell already there goes into `dups`. A SKU that
    is not in `dups` occurs once, so the evaluation need neither remember it nor look it up:
    the duplicate index then holds only the few that may repeat, whatever the file's size. A
    false positive only adds a SKU to `dups`: the index still answers exactly.
    """

    cdef vector[unsigned long long] bits   # 512-bit blocks, three bits per key in one block
    cdef unsigned long long nblocks
    cdef unordered_set[unsigned long long] dups
    cdef public bint complete              # every record was counted (no csv-module rest)

    def __init__(self, long long expected):
        cdef unsigned long long blocks = 1024
        # about 16 bits a key, at most 16 MB: past that the false positives grow, not memory
        while blocks * 512 < <unsigned long long>expected * 16 and blocks < (1 << 18):
            blocks <<= 1
        self.nblocks = blocks
        self.bits.resize(blocks * 8, 0)
        self.complete = False

    cdef inline void add(self, unsigned long long h) noexcept:
        cdef unsigned long long* blk = &self.bits[0] + ((((h >> 32) * self.nblocks) >> 32) << 3)
        cdef unsigned int b1 = h & 511, b2 = (h >> 9) & 511, b3 = (h >> 18) & 511
        cdef unsigned long long m1 = 1ULL << (b1 & 63), m2 = 1ULL << (b2 & 63), m3 = 1ULL << (b3 & 63)
        if (blk[b1 >> 6] & m1) and (blk[b2 >> 6] & m2) and (blk[b3 >> 6] & m3):
            self.dups.insert(h)
            return
        blk[b1 >> 6] |= m1
        blk[b2 >> 6] |= m2
        blk[b3 >> 6] |= m3

    cdef inline bint may_repeat(self, const char* p, Py_ssize_t n) noexcept:
        return self.dups.count(_key_hash(p, n)) != 0

    cdef inline bint crosses(self, unsigned long long h) noexcept:
        if self.bits.size() == 0:  # its Bloom filter was dropped: every SKU may cross
            self.dups.insert(h)
            return True
        """Whether `h` was counted (the second half's filter, asked of a first-half SKU): if so
        it may repeat across the cut, and from now on it is one of `dups`."""
        cdef unsigned long long* blk = &self.bits[0] + ((((h >> 32) * self.nblocks) >> 32) << 3)
        cdef unsigned int b1 = h & 511, b2 = (h >> 9) & 511, b3 = (h >> 18) & 511
        if ((blk[b1 >> 6] >> (b1 & 63)) & (blk[b2 >> 6] >> (b2 & 63)) & (blk[b3 >> 6] >> (b3 & 63))) & 1:
            self.dups.insert(h)
            return True
        return False

    def __len__(self):
        return self.dups.size()

    def drop_bits(self):
        """Free the Bloom filter once counting is done: only `dups` is read from then on."""
        cdef vector[unsigned long long] empty
        self.bits.swap(empty)

    def repeats(self, str sku):
        """Whether `sku` (a Python row's SKU) is one that may occur twice."""
        cdef bytes b = sku.encode("utf-8", "surrogatepass")
        return self.may_repeat(PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b))


cdef class Lane:
    """One file range's clean rows, end to end; the host answers everything else."""

    cdef object host
    cdef object shared
    cdef Automaton words_ac
    cdef Automaton gate_ac
    cdef bint has_patterns, gate_all
    cdef char delim
    cdef int ncols, i_sku, i_title, i_cat, i_brand, i_price, i_cur, i_hsn, i_gtin, i_pcat
    cdef bint plain
    cdef unsigned char table[256]
    cdef vector[double] bounds
    cdef KeyMap cats
    cdef vector[int] cat_shape
    cdef vector[vector[string]] cat_texts
    cdef KeyMap layouts
    cdef vector[Layout] layout_info
    cdef vector[Span] spans
    cdef KeyMap verdicts
    cdef vector[Verdict] verdict_info
    cdef vector[Seg] segs
    cdef string lits
    cdef KeyMap decisions
    cdef vector[Decision] decision_info
    cdef unordered_map[string, pair[double, int]] currencies
    cdef const char* cur_base
    cdef int cur_nf
    cdef vector[int]* cur_starts
    cdef vector[int]* cur_ends
    cdef vector[char]* cur_quoted
    cdef list seen_state
    cdef object grow
    cdef list searches
    cdef list finditers
    cdef list pat_names
    cdef dict pat_ids
    cdef vector[vector[int]] literal_patterns
    cdef vector[char] candidate
    cdef bint claiming
    cdef bint counting
    cdef bint cross               # claiming only what a counted second half may repeat
    cdef DupFilter dup            # None: every SKU is remembered (no counting pass)
    cdef vector[int] key_cols     # the SKU column, then the columns read when it is blank
    cdef vector[double] sh_sum    # per shared decision: its running value sum and new rows,
    cdef vector[long] sh_cnt      # handed to the Python object before the host evaluates a row
    cdef vector[int] dirty
    cdef long long* s_hashes      # the SKU table (`SeenSkus`), read straight from its arrays
    cdef int* s_rows
    cdef long long s_slots, s_used
    cdef bint s_loaded
    cdef vector[string] cells     # the clean row's cells, kept between rows (no allocation)
    cdef string key               # a cache key being built
    cdef vector[int] found        # a scan's (end, term) pairs
    cdef public long rows_read
    cdef public long owned
    cdef public long handed

    def __init__(self, host, dict p):
        cdef int c
        self.host = host
        self.cells.resize(9)
        self.shared = []
        self.cats, self.layouts, self.verdicts, self.decisions = KeyMap(), KeyMap(), KeyMap(), KeyMap()
        self.words_ac = Automaton(p["terms"])
        self.gate_ac = Automaton(p["gate"])
        self.has_patterns = p["has_patterns"]
        self.gate_all = p["gate_all"]
        self.delim = ord(p["delimiter"])
        self.ncols = p["ncols"]
        self.i_sku, self.i_title, self.i_cat, self.i_brand = p["sku"], p["title"], p["cat"], p["brand"]
        self.i_price, self.i_cur, self.i_hsn = p["price"], p["cur"], p["hsn"]
        self.i_gtin, self.i_pcat = p["gtin"], p["pcat"]
        self.plain = p["plain"]
        table = p["table"]
        for c in range(256):
            self.table[c] = table[c]
        for b in p["bounds"]:
            self.bounds.push_back(b)
        self.rows_read = self.owned = self.handed = 0
        self.seen_state = p["seen_state"]
        self.grow = p["grow"]
        self.searches = list(p["searches"])
        self.finditers = list(p["finditers"])
        self.pat_names = list(p["pat_names"])
        self.pat_ids = p["pat_ids"]
        for pats in p["literal_patterns"]:
            self.literal_patterns.push_back(vector[int]())
            for j in pats:
                self.literal_patterns.back().push_back(j)
        self.candidate.resize(len(self.searches), 0)
        self.dup = p.get("dups")
        for c in p.get("key_cols") or (self.i_sku,):
            self.key_cols.push_back(c)

    cdef long _seen(self, str sku, long row) except -1:
        """`SeenSkus.first_row` on its own table: the row `sku` was first read on, or 0."""
        cdef list state = self.seen_state
        cdef array.array arr
        if not self.s_loaded:
            arr = state[0]
            self.s_hashes = arr.data.as_longlongs
            arr = state[1]
            self.s_rows = arr.data.as_ints
            self.s_slots = state[2]
            self.s_used = state[3]
            self.s_loaded = True
        cdef long long h = <long long>((<unsigned long long>PyObject_Hash(sku)) & 0x0FFFFFFFFFFFFFFFULL)
        if h == 0:
            h = 1
        cdef long long i = h & self.s_slots
        cdef long long v
        while True:
            v = self.s_hashes[i]
            if v == h:
                return self.s_rows[i]
            if v == 0:
                break
            i = (i + 1) & self.s_slots
        self.s_hashes[i] = h
        self.s_rows[i] = row
        self.s_used += 1
        if self.s_used * 10 > self.s_slots * 7:
            state[3] = self.s_used
            self.grow(state)
            self.s_loaded = False
        return 0

    def stats(self):
        """Each cache's (keys, bytes held), and the other tables', for an account of memory."""
        return {
            "cats": self.cats.stats(),
            "layouts": self.layouts.stats(),
            "verdicts": self.verdicts.stats(),
            "decisions": self.decisions.stats(),
            "layout_info": (self.layout_info.size(), self.layout_info.capacity() * sizeof(Layout)),
            "spans": (self.spans.size(), self.spans.capacity() * sizeof(Span)),
            "verdict_info": (self.verdict_info.size(), self.verdict_info.capacity() * sizeof(Verdict)),
            "segs": (self.segs.size(), self.segs.capacity() * sizeof(Seg)),
            "lits": (self.lits.size(), self.lits.capacity()),
            "decision_info": (self.decision_info.size(), self.decision_info.capacity() * sizeof(Decision)),
            "cat_texts": (self.cat_texts.size(), 0),
            "dups": (self.dup.dups.size() if self.dup is not None else -1, 0),
        }

    cdef int _sync(self) except -1:
        """The tallies and the SKU table handed back as the Python path keeps them (before the
        host evaluates a row, and at the end): the same sums, added in the same order."""
        cdef int i
        for i in self.dirty:
            sh = self.shared[i]
            sh.count += self.sh_cnt[i]
            sh.value_sum = self.sh_sum[i]
            self.sh_cnt[i] = 0
        self.dirty.clear()
        if self.s_loaded:
            self.seen_state[3] = self.s_used
            self.s_loaded = False
        return 0

    def run(self, fh, long long size, long row, object write, object tick):
        """Read `size` bytes of records from `fh`; returns (bytes left unread, last row number).

        Stops early, at a record's first byte, on anything the csv module might read otherwise
        than this loop (a lone carriage return, a NUL, an odd quote, a field past its limit):
        the caller reads the rest with the csv module. Reads a megabyte at a time into one
        buffer, so memory stays flat whatever the file's size.
        """
        cdef bytes chunk
        cdef string buf, out
        cdef long long left = size
        cdef Py_ssize_t used
        cdef long next_tick = 8192
        cdef long start_row = row
        out.reserve(1 << 21)
        while True:
            if left > 0:
                chunk = fh.read(min(left, 1 << 20))
                if not chunk:
                    left = 0
                else:
                    left -= len(chunk)
                    buf.append(PyBytes_AS_STRING(chunk), PyBytes_GET_SIZE(chunk))
                chunk = None
            if buf.size() == 0:
                break
            used = self._block(buf.data(), buf.size(), left <= 0, &row, out)
            if out.size() > (1 << 20):
                write(PyBytes_FromStringAndSize(out.data(), out.size()))
                out.clear()
            if row - start_row >= next_tick:
                tick(row - start_row)
                next_tick = ((row - start_row) // 8192 + 1) * 8192
            if used < 0:  # stopped at a record it will not read
                self._sync()
                if out.size():
                    write(PyBytes_FromStringAndSize(out.data(), out.size()))
                tick(row - start_row)
                return (<long long>buf.size() - (-used - 1)) + left, row
            buf.erase(0, used)
            if left <= 0:
                break
        self._sync()
        if out.size():
            write(PyBytes_FromStringAndSize(out.data(), out.size()))
        tick(row - start_row)
        return 0, row

    cdef Py_ssize_t _block(self, const char* base, Py_ssize_t size, bint last, long* row,
                           string& out) except -2:
        """Records of base[:size] done; returns bytes used, or -(offset + 1) of a record not read."""
        cdef Py_ssize_t pos = 0, rec_start, i
        cdef vector[int] starts, ends
        cdef vector[char] quoted
        cdef string scratch
        cdef char c, delim = self.delim
        cdef Py_ssize_t e
        cdef int nf
        while pos < size:
            rec_start = pos
            starts.clear()
            ends.clear()
            quoted.clear()
            # one record: fields as spans; quoted fields as spans of their raw text
            i = pos
            while True:
                if i >= size:
                    if not last:
                        return rec_start
                    # the last record without a newline
                    break
                if base[i] == 34:  # a quoted field
                    starts.push_back(i + 1)
                    quoted.push_back(1)
                    i += 1
                    while True:
                        if i >= size:
                            if not last:
                                return rec_start
                            return -(rec_start + 1)  # end of data inside quotes
                        c = base[i]
                        if c == 34:
                            if i + 1 < size and base[i + 1] == 34:
                                i += 2
                                continue
                            if i + 1 >= size and not last:
                                return rec_start
                            break
                        if c == 0 or c == 13:
                            return -(rec_start + 1)
                        i += 1
                    ends.push_back(i)
                    i += 1  # past the closing quote
                    if i >= size:
                        break  # the file's last record (more data would have been waited for)
                    c = base[i]
                    if c != delim and c != 10 and c != 13:
                        return -(rec_start + 1)  # text after a closing quote
                else:
                    starts.push_back(i)
                    quoted.push_back(0)
                    while i < size:
                        c = base[i]
                        if c == delim or c == 10 or c == 13 or c == 0:
                            break
                        i += 1
                    if i >= size:
                        if not last:
                            return rec_start
                        ends.push_back(i)
                        break
                    ends.push_back(i)
                # c: the byte after the field — the next field, or the record's end
                if c == delim:
                    i += 1
                    if i >= size:
                        if not last:
                            return rec_start
                        starts.push_back(i)  # a trailing delimiter: one more, empty field
                        ends.push_back(i)
                        quoted.push_back(0)
                        break
                    continue
                e = _record_end(base, i, size, last)
                if e >= 0:
                    i = e
                    break
                if e == -1:
                    return rec_start
                return -(rec_start + 1)  # a lone \r or a NUL: the csv module's reading decides
            pos = i
            row[0] += 1
            nf = starts.size()
            if nf == 1 and ends[0] == starts[0] and not quoted[0]:
                nf = 0  # an empty line: the csv module gives []
            for j in range(nf):
                if ends[j] - starts[j] > 131072:
                    return -(rec_start + 1)
            if self.counting:
                self._count(base, nf, starts, ends, quoted)
            elif self.claiming:
                self._claim(base, row[0], nf, starts, ends, quoted)
            else:
                self._row(base, row[0], nf, starts, ends, quoted, out, scratch)
        return pos

    def claim(self, fh, long long size, DupFilter across=None):
        """Claim the SKU of every record of `size` bytes as the reader would read it (the first
        half of a two-process run); the number of records, or None where the csv module must
        read them (the caller then claims them itself: claiming a SKU twice changes nothing).

        With `across` (the second half's counted filter, its Bloom filter kept), only the SKUs
        it may hold are claimed, and they join its `dups`: the second half can repeat no other.
        """
        if across is not None:
            self.dup = across
            self.cross = True
        left, row = self._skim(fh, size, True)
        return None if left else row

    def count(self, fh, long long size, DupFilter into):
        """Count every record's SKU cells of `size` bytes into `into` (the counting pass); True
        when all were read, False where the csv module would have to read the rest."""
        self.dup = into
        left, _ = self._skim(fh, size, False)
        return not left

    cdef tuple _skim(self, fh, long long size, bint claim):
        """A pass that only claims (or only counts) each record's SKU."""
        self.claiming, self.counting = claim, not claim
        try:
            return self.run(fh, size, 0, _ignore, _ignore)
        finally:
            self.claiming = self.counting = self.cross = False

    cdef int _count(self, const char* base, int nf, vector[int]& starts, vector[int]& ends,
                    vector[char]& quoted) except -1:
        cdef unsigned long long h
        cdef unsigned long long seen[8]
        cdef int k = 0, j, c, m
        cdef string cell
        for c in self.key_cols:
            if c >= nf:
                continue
            if quoted[c] and memchr(base + starts[c], 34, ends[c] - starts[c]) != NULL:
                cell = self._unquote(base + starts[c], ends[c] - starts[c])
                h = _key_hash(cell.data(), cell.size())
            else:
                h = _key_hash(base + starts[c], ends[c] - starts[c])
            m = 0
            for j in range(k):  # one record counts a SKU once, whichever columns repeat it
                if seen[j] == h:
                    m = 1
                    break
            if m or k == 8:
                continue
            seen[k] = h
            k += 1
            self.dup.add(h)
        return 0

    cdef int _claim(self, const char* base, long row, int nf, vector[int]& starts,
                    vector[int]& ends, vector[char]& quoted) except -1:
        cdef int i = self.i_sku
        cdef string cell
        if i >= nf:
            return 0
        cdef const char* p = base + starts[i]
        cdef int n = ends[i] - starts[i]
        if quoted[i] and memchr(p, 34, n) != NULL:
            cell = self._unquote(p, n)
        else:
            cell.assign(p, n)
        cdef unsigned long long h = _key_hash(cell.data(), cell.size())
        cdef int c
        cdef bint any_cross = False
        cdef string other
        if self.key_cols.size() > 1 and h == _key_hash(p, 0):
            # a blank SKU: the reader reads the next SKU column; it says which
            if self.cross:
                for c in self.key_cols:
                    if c < nf:
                        other = self._unquote(base + starts[c], ends[c] - starts[c]) if quoted[c] else string(base + starts[c], ends[c] - starts[c])
                        any_cross |= self.dup.crosses(_key_hash(other.data(), other.size()))
                if not any_cross:
                    return 0
            self.host.claim_fields(self._fields(base, nf, starts, ends, quoted), row)
            return 0
        if cell.size() == 0:
            return 0
        if self.cross:
            if not self.dup.crosses(h):
                return 0  # the second half does not hold it: nothing there can repeat it
        elif self.dup is not None and not self.dup.dups.count(h):
            return 0  # it occurs once: nothing can duplicate it
        if (_space(cell[0]) or _space(cell[cell.size() - 1]) or cell[0] == 39
                or not _valid_utf8(<const unsigned char*>cell.data(), cell.size())):
            self.host.claim(cell.decode("utf-8", "replace"), row)  # strip() and Excel quotes
            return 0
        self._seen(cell.decode("utf-8"), row)
        return 0

    cdef object _fields(self, const char* base, int nf, vector[int]& starts, vector[int]& ends, vector[char]& quoted):
        cdef list fields = []
        cdef bytes raw
        for j in range(nf):
            raw = PyBytes_FromStringAndSize(base + starts[j], ends[j] - starts[j])
            if quoted[j]:
                raw = raw.replace(b'""', b'"')
            fields.append(raw.decode("utf-8", "replace"))
        return fields

    cdef void _hand(self, object line, string& out) except *:
        cdef bytes b
        if line is not None:
            b = line
            out.append(PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b))

    cdef int _row(self, const char* base, long row, int nf, vector[int]& starts, vector[int]& ends,
                  vector[char]& quoted, string& out, string& scratch) except -1:
        cdef int j, n
        cdef const char* p
        if nf != self.ncols:
            self.handed += 1
            self._sync()
            self._hand(self.host.row(row, self._fields(base, nf, starts, ends, quoted)), out)
            return 0
        # the clean row's own cells (quoted cells hold their text with doubled quotes undone)
        cdef string* cell = &self.cells[0]
        cdef int idx[9]
        idx[0] = self.i_sku; idx[1] = self.i_title; idx[2] = self.i_cat; idx[3] = self.i_brand
        idx[4] = self.i_price; idx[5] = self.i_cur; idx[6] = self.i_hsn; idx[7] = self.i_gtin
        idx[8] = self.i_pcat
        for j in range(9):
            cell[j].clear()
            if idx[j] >= nf:
                continue
            p = base + starts[idx[j]]
            n = ends[idx[j]] - starts[idx[j]]
            if quoted[idx[j]] and memchr(p, 34, n) != NULL:
                cell[j] = self._unquote(p, n)
            else:
                cell[j].assign(p, n)
        if not self._clean(cell, base, nf, starts, ends):
            self.handed += 1
            self._sync()
            self._hand(self.host.row(row, self._fields(base, nf, starts, ends, quoted)), out)
            return 0
        # the currency: the reader's table of currency cells, then the rate
        cdef unordered_map[string, pair[double, int]].iterator cur = self.currencies.find(cell[5])
        cdef double rate
        cdef int whole
        if cur == self.currencies.end():
            got = self.host.currency(cell[5].decode("utf-8"))
            if got is None:
                self.handed += 1
                self._sync()
                self._hand(self.host.row(row, self._fields(base, nf, starts, ends, quoted)), out)
                return 0
            rate, whole = got
            self.currencies[cell[5]] = pair[double, int](rate, whole)
        else:
            rate = deref(cur).second.first
            whole = deref(cur).second.second
        if whole and memchr(cell[4].data(), 46, cell[4].size()) != NULL:
            self.handed += 1
            self._sync()
            self._hand(self.host.row(row, self._fields(base, nf, starts, ends, quoted)), out)
            return 0
        cdef double price = strtod(cell[4].c_str(), NULL)
        if not price > 0:  # a price of 0 is no price: the reader's own reading
            self.handed += 1
            self._sync()
            self._hand(self.host.row(row, self._fields(base, nf, starts, ends, quoted)), out)
            return 0
        if self.dup is not None and not self.dup.may_repeat(cell[0].data(), cell[0].size()):
            pass  # it occurs once in the file: neither remembered nor looked up
        elif self._seen(cell[0].decode("utf-8"), row):
            self.handed += 1  # a duplicate: the reader rejects it (the look-up records nothing)
            self._sync()
            self._hand(self.host.row(row, self._fields(base, nf, starts, ends, quoted)), out)
            return 0
        # from here the row is the lane's: the host may answer it, but never re-reads it
        self.rows_read += 1
        self.cur_base, self.cur_nf = base, nf
        self.cur_starts, self.cur_ends, self.cur_quoted = &starts, &ends, &quoted
        cdef double value = price * rate
        if not self._decide(row, cell, value, out, scratch):
            self._sync()
            self._hand(self.host.record(row, self._fields(base, nf, starts, ends, quoted)), out)
        return 0

    cdef string _unquote(self, const char* p, int n):
        cdef string s
        cdef int k = 0
        while k < n:
            s.push_back(p[k])
            if p[k] == 34:
                k += 1  # the second of a doubled quote
            k += 1
        return s

    cdef bint _clean(self, string* cell, const char* base, int nf, vector[int]& starts, vector[int]& ends):
        """The reader's fast conditions, and the lane's own: ASCII titles, valid UTF-8, no odd ends."""
        cdef string* s
        cdef int j, k, dots
        cdef const char* p
        cdef int n
        # every used cell: no whitespace (or non-ASCII byte) at either end, so strip() is a no-op
        for j in range(9):
            s = &cell[j]
            if s.size() and (_space(s[0][0]) or _space(s[0][s.size() - 1])):
                return False
        # the whole record valid UTF-8 (the reader would replace invalid bytes)
        p = base + starts[0]
        n = ends[nf - 1] - starts[0]
        if not _valid_utf8(<const unsigned char*>p, n):
            return False
        if cell[0].size() == 0 or cell[0][0] == 39:  # no SKU, or an Excel-quoted one
            return False
        if cell[0].size() >= 2 and cell[0][0] == 57 and cell[0][1] == 55:
            return False  # a SKU that is an ISBN ("97...")
        # the price: digits with at most one dot between digits (float() reads more: the reader)
        s = &cell[4]
        if s.size() == 0 or s.size() > 30:
            return False
        dots = 0
        for k in range(<int>s.size()):
            if s[0][k] == 46:
                dots += 1
                if k == 0 or k == <int>s.size() - 1:
                    return False
            elif not (48 <= <unsigned char>s[0][k] <= 57):
                return False
        if dots > 1:
            return False
        if not _digits(cell[6].data(), cell[6].size()) or not _digits(cell[7].data(), cell[7].size()):
            return False
        if cell[7].size() >= 2 and cell[7][0] == 57 and cell[7][1] == 55:
            return False  # an ISBN / ISSN
        # the title: ASCII (its words are found byte by byte), no HTML entity, no brace
        s = &cell[1]
        for k in range(<int>s.size()):
            if <unsigned char>s[0][k] >= 128 or s[0][k] == 123 or s[0][k] == 125:
                return False
        if memchr(s.data(), 38, s.size()) != NULL and memchr(s.data(), 59, s.size()) != NULL:
            return False
        s = &cell[2]
        if memchr(s.data(), 38, s.size()) != NULL and memchr(s.data(), 59, s.size()) != NULL:
            return False
        if not self.plain and s.size() and (s[0][0] == 91 or s.find(b">>") != <size_t>-1):
            return False
        return True

    cdef bint _decide(self, long row, string* cell, double value, string& out, string& scratch) except *:
        """The row written from the caches, asking the host what they lack; False: the host writes it."""
        cdef int ci, li, vi, di, j, k, a, b
        # 1. the category's evidence shape and texts
        self.key.clear()
        self.key.append(cell[8])
        self.key.push_back(0)
        self.key.append(cell[2])
        self.key.push_back(0)
        self.key.append(cell[6])
        ci = self.cats.get(self.key)
        if ci < 0:
            shape, texts = self.host.cat(
                cell[8].decode("utf-8"), cell[2].decode("utf-8"), cell[6].decode("utf-8")
            )
            ci = self.cat_shape.size()
            self.cat_shape.push_back(shape)
            self.cat_texts.push_back(vector[string]())
            for t in texts:
                self.cat_texts.back().push_back(<string>(<bytes>t))
            self.cats.put(self.key, ci)
        # 2. the title's words: normalised as fast_norm does, scanned padded by spaces
        scratch.clear()
        scratch.push_back(32)
        cdef unsigned char ch
        for k in range(<int>cell[1].size()):
            ch = cell[1][k]
            if 65 <= ch <= 90:
                ch += 32
            scratch.push_back(self.table[ch])
        scratch.push_back(32)
        self.found.clear()
        self.words_ac.scan(scratch.data(), scratch.size(), self.found)
        cdef int e0 = self.found[0] if self.found.size() else 0
        self.key.clear()
        for k in range(0, <int>self.found.size(), 2):
            a = self.found[k] - e0
            b = self.found[k + 1]
            self.key.append(<char*>&a, sizeof(int))
            self.key.append(<char*>&b, sizeof(int))
        li = self.layouts.get(self.key)
        if li < 0:
            got = self.host.layout(
                cell[1].decode("ascii"), [(self.found[k], self.found[k + 1]) for k in range(0, self.found.size(), 2)]
            )
            li = self.layout_info.size()
            self.layout_info.push_back(Layout(-1, self.spans.size(), 0))
            if got is not None:
                words, row_spans = got
                self.layout_info[li].words = words
                for sa, sb in row_spans:
                    self.spans.push_back(Span(sa, sb))
                self.layout_info[li].count = len(row_spans)
            self.layouts.put(self.key, li)
        cdef Layout lay = self.layout_info[li]
        if lay.words < 0:
            return False
        # the row's own words, as written: cut from the title where the words lie
        cdef int nspan = lay.count
        for k in range(nspan):
            a = self.spans[lay.first + k].a + e0
            b = self.spans[lay.first + k].b + e0
            if a < 0 or b > <int>cell[1].size() or a > b:
                return False
        # 3. the patterns (the host runs them: regular expressions) where a literal is there
        cdef int pats = 0
        if self.has_patterns and self.gate_all:
            pats = self.host.pats(cell[1].decode("ascii"))
        elif self.has_patterns:
            # the patterns whose literals are there, run as TitleReader.patterns runs them
            self.found.clear()
            self.gate_ac.scan(scratch.data() + 1, scratch.size() - 2, self.found)
            if self.found.size():
                for k in range(1, <int>self.found.size(), 2):
                    for j in self.literal_patterns[self.found[k]]:
                        self.candidate[j] = 1
                text = PyBytes_FromStringAndSize(scratch.data() + 1, scratch.size() - 2).decode("ascii")
                pieces = None
                for j in range(<int>self.candidate.size()):
                    if self.candidate[j]:
                        self.candidate[j] = 0
                        if self.searches[j](text) is not None:
                            if pieces is None:
                                pieces = []
                                title = cell[1].decode("ascii")
                            name = self.pat_names[j]
                            for m in self.finditers[j](text):
                                pieces.append((name, title[m.start():m.end()]))
                if pieces:
                    found_pats = tuple(pieces)
                    got = self.pat_ids.get(found_pats)
                    pats = self.host.pat_id(found_pats) if got is None else got
        # 4. the verdict for (shape, words, patterns), with slots for category texts and words
        self.key.clear()
        self.key.append(<char*>&self.cat_shape[ci], sizeof(int))
        self.key.append(<char*>&lay.words, sizeof(int))
        self.key.append(<char*>&pats, sizeof(int))
        vi = self.verdicts.get(self.key)
        if vi < 0:
            surfaces = [
                cell[1].substr(self.spans[lay.first + k].a + e0,
                               self.spans[lay.first + k].b - self.spans[lay.first + k].a).decode("ascii")
                for k in range(nspan)
            ]
            got = self.host.verdict(ci, lay.words, pats, surfaces)
            vi = self.verdict_info.size()
            self.verdict_info.push_back(Verdict(-1, self.segs.size(), 0))
            if got is not None:
                klass, pieces = got
                self.verdict_info[vi].klass = klass
                for kind, piece in pieces:
                    if kind == 0:
                        self.segs.push_back(Seg(0, self.lits.size(), len(piece)))
                        self.lits.append(<string>(<bytes>piece))
                    else:
                        self.segs.push_back(Seg(kind, piece, 0))
                self.verdict_info[vi].count = len(pieces)
            self.verdicts.put(self.key, vi)
        cdef Verdict v = self.verdict_info[vi]
        if v.klass < 0:
            return False
        # 5. the decision: the verdict's class, HSN, where the value lies between bounds, GTIN
        cdef int lo = 0, hi = self.bounds.size(), mid
        while lo < hi:
            mid = (lo + hi) >> 1
            if self.bounds[mid] < value:
                lo = mid + 1
            else:
                hi = mid
        cdef int on_bound = 1 if lo < <int>self.bounds.size() and self.bounds[lo] == value else 0
        cdef int no_gtin = 1 if cell[7].size() == 0 else 0
        self.key.clear()
        self.key.append(<char*>&v.klass, sizeof(int))
        self.key.append(<char*>&lo, sizeof(int))
        self.key.append(<char*>&on_bound, sizeof(int))
        self.key.append(<char*>&no_gtin, sizeof(int))
        self.key.append(cell[6])
        di = self.decisions.get(self.key)
        if di < 0:
            got = self.host.decision(
                v.klass, lo, bool(on_bound), bool(no_gtin), row,
                self._fields(self.cur_base, self.cur_nf, self.cur_starts[0], self.cur_ends[0], self.cur_quoted[0]),
            )
            di = self.decision_info.size()
            self.decision_info.push_back(Decision())
            if got is None:
                self.decision_info[di].shared = -1
            else:
                ix, sh, head, tail, end = got  # ix: the host's number for this shared object
                self.decision_info[di].shared = ix
                if ix == len(self.shared):
                    self.shared.append(sh)
                    self.sh_sum.push_back(0)
                    self.sh_cnt.push_back(0)
                self.decision_info[di].head = <bytes>head
                self.decision_info[di].tail = <bytes>tail
                self.decision_info[di].end = <bytes>end
            self.decisions.put(self.key, di)
        if self.decision_info[di].shared < 0:
            return False
        # 6. the explanation: the verdict's pieces with this row's category texts and words
        scratch.clear()
        cdef Seg sg
        cdef vector[string]* ctexts = &self.cat_texts[ci]
        for k in range(v.count):
            sg = self.segs[v.first + k]
            if sg.kind == 0:
                scratch.append(self.lits, sg.index, sg.size)
            elif sg.kind == 1:
                if sg.index >= <int>ctexts.size():
                    return False
                scratch.append(ctexts[0][sg.index])
            else:
                if sg.index >= nspan:
                    return False
                a = self.spans[lay.first + sg.index].a + e0
                b = self.spans[lay.first + sg.index].b + e0
                scratch.append(cell[1], a, b - a)
        if scratch.size() == 0:
            return False  # no evidence text: the writer shows the shared one (the host's path)
        # 7. the line, as CsvWriter writes it; the tallies, in row order, on the shared object
        j = self.decision_info[di].shared
        if self.sh_cnt[j] == 0:
            self.sh_sum[j] = self.shared[j].value_sum
            self.dirty.push_back(j)
        self.sh_sum[j] += value
        self.sh_cnt[j] += 1
        self.owned += 1
        cdef char num[64]
        _itoa(out, row)
        out.append(b",decided,")
        _cell(out, cell[0].data(), cell[0].size())
        out.push_back(44)
        out.append(cell[7])
        out.push_back(44)
        _cell(out, cell[1].data(), cell[1].size())
        out.append(self.decision_info[di].head)
        n = snprintf(num, 64, "%.2f", value)
        out.append(num, n)
        out.append(self.decision_info[di].tail)
        _cell(out, scratch.data(), scratch.size())
        out.append(self.decision_info[di].end)
        out.append(b"ok,,\n")
        return True
