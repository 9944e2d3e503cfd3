#include "intercept/streaminterceptor.h"

#include "protocol/deflatecodec.h"
#include "protocol/framewriter.h"
#include "protocol/masking.h"

#include <algorithm>

namespace wslens::intercept {

InterceptMessage InterceptMessage::closeMessage(int code, const QByteArray &reason)
{
    InterceptMessage m;
    m.opcode = Opcode::Close;
    m.payload = FrameWriter::closePayload(code, reason);
    return m;
}

namespace {
Role senderRole(Direction d)
{
    return d == Direction::ClientToServer ? Role::Client : Role::Server;
}
bool isDataStart(quint8 op)
{
    return op == Opcode::Text || op == Opcode::Binary;
}
} // namespace

StreamInterceptor::StreamInterceptor(const StreamOptions &options)
    : m_options(options)
{
    ParserOptions po;
    po.sender = senderRole(options.direction);
    po.allowedRsv = options.deflate ? Rsv::Rsv1 : 0;
    po.validateUtf8 = false; // the capture validates; we only need the framing
    po.limits.maxFrameSize = options.maxFrameSize;
    po.limits.maxMessageSize = ~quint64(0);
    m_parser.setOptions(po);
    if (options.deflate) {
        InflaterOptions io;
        io.windowBits = options.agreement.sendWindowBits(po.sender);
        io.noContextTakeover = options.agreement.sendNoContextTakeover(po.sender);
        io.maxMessageSize = options.maxDecompressedSize;
        m_inflater = std::make_unique<Inflater>(io);
    }
}

StreamInterceptor::~StreamInterceptor() = default;

void StreamInterceptor::setRules(std::shared_ptr<const RuleSet> rules)
{
    m_rules = std::move(rules);
    m_active = m_rules ? m_rules->rulesFor(m_options.direction, m_options.url, m_options.host) : std::vector<int>();
}

bool StreamInterceptor::contextTakeover() const
{
    return m_options.deflate && !m_options.agreement.sendNoContextTakeover(senderRole(m_options.direction));
}

bool StreamInterceptor::fastPathOk() const
{
    if (!m_active.empty() || !m_queue.empty() || m_mode == MessageMode::Buffer || m_reencode
        || !m_pendingInjects.empty())
        return false;
    if (m_inFrame && (m_kind == FrameKind::Buffer || m_kind == FrameKind::Control))
        return false;
    // A header split by the last chunk that was not sent yet must be sent by the slow path.
    const bool midHeader = !m_parser.atFrameBoundary() && !m_inFrame;
    if (midHeader && m_emittedUpTo != m_parser.bytesConsumed())
        return false;
    return true;
}

bool StreamInterceptor::process(const QByteArray &chunk, Output &out)
{
    if (m_lost)
        return true; // framing lost: everything goes through raw
    m_out = &out;
    m_fast = fastPathOk();
    m_chunkBase = m_parser.bytesConsumed();
    m_parser.feed(chunk.constData(), std::size_t(chunk.size()), *this);
    if (m_fast) {
        m_emittedUpTo = m_parser.bytesConsumed();
        m_outMidFrame = !m_parser.atFrameBoundary();
        m_outMidMessage = m_mode == MessageMode::Stream;
        m_fast = false;
        m_out = nullptr;
        return true;
    }
    if (m_lost) {
        const qsizetype from = qsizetype(std::clamp<quint64>(m_lostAt - m_chunkBase, 0, quint64(chunk.size())));
        if (from < chunk.size())
            emitBytes(chunk.mid(from));
    }
    flushInjects();
    m_out = nullptr;
    return false;
}

// ---- parsing ---------------------------------------------------------------

void StreamInterceptor::frameHeader(const FrameHeader &h)
{
    if (m_lost)
        return;
    const quint64 start = m_nextFrameStart;
    m_nextFrameStart = start + h.headerLength + h.payloadLength;
    m_frame = h;
    m_payloadOffset = 0;
    m_inFrame = true;
    m_frameInflate = false;
    m_direct = false;
    const quint8 op = h.opcode;

    if (h.payloadLength > m_options.maxFrameSize) {
        // An absurd length: framing is lost; the rest of the stream goes out raw.
        m_lost = true;
        m_lostAt = start + h.headerLength;
        m_kind = FrameKind::Skip;
        if (!m_fast) {
            if (m_mode == MessageMode::Buffer)
                abandonBufferedMessage();
            const quint64 already = m_emittedUpTo > start ? std::min<quint64>(m_emittedUpTo - start, h.headerLength) : 0;
            std::uint8_t buf[FrameWriter::MaxHeaderSize];
            const std::size_t n = FrameWriter::encodeHeader(h, buf);
            emitBytes(QByteArray(reinterpret_cast<const char *>(buf) + already, qsizetype(n - already)));
        }
        return;
    }

    if (m_fast) {
        m_kind = FrameKind::Stream;
        if (isDataStart(op)) {
            m_mode = MessageMode::Stream;
            m_msgCompressed = m_options.deflate && (h.rsv & Rsv::Rsv1);
            m_msgInflating = m_msgCompressed && contextTakeover();
            m_frameInflate = m_msgInflating;
        } else if (op == Opcode::Continuation && m_mode == MessageMode::Stream) {
            m_frameInflate = m_msgInflating;
        }
        return;
    }

    const quint64 already = m_emittedUpTo > start ? std::min<quint64>(m_emittedUpTo - start, h.headerLength) : 0;
    const bool rulesWatch = m_rules && !m_active.empty() && m_rules->mayMatchOpcode(m_active, op);
    FrameKind kind = FrameKind::Stream;
    if (Opcode::isControl(op)) {
        const bool mustQueue = rulesWatch || (op == Opcode::Close && !m_queue.empty());
        if (mustQueue && already == 0 && m_mode != MessageMode::Stream) {
            kind = FrameKind::Control;
            m_controlFrame = Frame{h, QByteArray()};
        }
    } else if (isDataStart(op)) {
        if (m_mode == MessageMode::Buffer)
            abandonBufferedMessage(); // a new message began before the last one ended
        m_msgCompressed = m_options.deflate && (h.rsv & Rsv::Rsv1);
        const bool canStream = already > 0
                               || (m_queue.empty() && !rulesWatch && !(m_reencode && m_msgCompressed));
        if (canStream) {
            m_mode = MessageMode::Stream;
            m_msgInflating = m_msgCompressed && contextTakeover();
            m_frameInflate = m_msgInflating;
            m_outMidMessage = !h.fin;
        } else {
            kind = FrameKind::Buffer;
            m_mode = MessageMode::Buffer;
            m_msg = Entry();
            m_msg.opcode = op;
            m_msg.compressed = m_msgCompressed;
            m_msg.frames.push_back(Frame{h, QByteArray()});
            m_msgBytes = 0;
        }
    } else if (op == Opcode::Continuation && m_mode == MessageMode::Buffer) {
        kind = FrameKind::Buffer;
        m_msg.frames.push_back(Frame{h, QByteArray()});
    } else if (op == Opcode::Continuation && m_mode == MessageMode::Stream) {
        m_frameInflate = m_msgInflating;
    }
    m_kind = kind;
    // Control frames arrive between frames: they may go out at once, ahead of
    // messages waiting behind a held one.
    m_direct = Opcode::isControl(op);
    if (kind == FrameKind::Stream) {
        std::uint8_t buf[FrameWriter::MaxHeaderSize];
        const std::size_t n = FrameWriter::encodeHeader(h, buf);
        if (already < n)
            emitBytes(QByteArray(reinterpret_cast<const char *>(buf) + already, qsizetype(n - already)));
        m_outMidFrame = true;
    }
}

void StreamInterceptor::trackInflate(const char *data, std::size_t size)
{
    if (!m_inflater)
        return;
    static const Inflater::Output discard = [](const char *, std::size_t) {};
    m_inflater->feed(data, size, discard);
}

void StreamInterceptor::framePayload(const char *data, std::size_t size)
{
    if (m_lost)
        return;
    if (m_frameInflate)
        trackInflate(data, size);
    if (m_fast) {
        m_payloadOffset += size;
        return;
    }
    switch (m_kind) {
    case FrameKind::Stream: {
        if (m_frame.masked) {
            m_scratch.resize(qsizetype(size));
            applyMask(m_scratch.data(), data, size, m_frame.maskKey, std::size_t(m_payloadOffset & 3));
            emitBytes(m_scratch);
            m_scratch = QByteArray(); // emitted buffers are shared; do not write into them again
        } else {
            emitBytes(QByteArray(data, qsizetype(size)));
        }
        break;
    }
    case FrameKind::Buffer:
        if (m_msgBytes + size > m_options.maxMessageSize) {
            // Too large to hold: what came so far goes out as it came, the rest streams.
            std::vector<Frame> frames = std::move(m_msg.frames);
            Frame current = std::move(frames.back());
            frames.pop_back();
            if (m_msgCompressed && contextTakeover()) {
                for (const Frame &f : frames)
                    trackInflate(f.payload.constData(), std::size_t(f.payload.size()));
                trackInflate(current.payload.constData(), std::size_t(current.payload.size()));
                trackInflate(data, size);
                m_msgInflating = true;
                m_frameInflate = true;
            }
            QByteArray bytes = reconstruct(frames);
            std::uint8_t buf[FrameWriter::MaxHeaderSize];
            const std::size_t n = FrameWriter::encodeHeader(current.header, buf);
            bytes.append(reinterpret_cast<const char *>(buf), qsizetype(n));
            QByteArray piece = current.payload;
            piece.append(data, qsizetype(size));
            if (current.header.masked)
                applyMaskInPlace(piece.data(), std::size_t(piece.size()), current.header.maskKey, 0);
            bytes += piece;
            m_msg = Entry();
            m_msgBytes = 0;
            m_mode = MessageMode::Stream;
            m_kind = FrameKind::Stream;
            m_outMidMessage = true;
            m_outMidFrame = true;
            emitBytes(std::move(bytes));
            break;
        }
        m_msgBytes += size;
        m_msg.frames.back().payload.append(data, qsizetype(size));
        break;
    case FrameKind::Control:
        m_controlFrame.payload.append(data, qsizetype(size));
        break;
    case FrameKind::Skip:
        break;
    }
    m_payloadOffset += size;
}

void StreamInterceptor::frameEnd()
{
    if (m_lost)
        return;
    m_inFrame = false;
    const bool data = isDataStart(m_frame.opcode) || m_frame.opcode == Opcode::Continuation;
    if (m_frameInflate && m_frame.fin) {
        static const Inflater::Output discard = [](const char *, std::size_t) {};
        m_inflater->finish(discard);
    }
    m_frameInflate = false;
    if (m_fast) {
        if (data && m_frame.fin && m_mode == MessageMode::Stream)
            m_mode = MessageMode::None;
        m_kind = FrameKind::Skip;
        return;
    }
    switch (m_kind) {
    case FrameKind::Stream:
        m_outMidFrame = false;
        if (data && m_frame.fin && m_mode == MessageMode::Stream) {
            m_mode = MessageMode::None;
            m_outMidMessage = false;
        }
        m_kind = FrameKind::Skip;
        flushInjects();
        return;
    case FrameKind::Buffer:
        m_kind = FrameKind::Skip;
        if (m_frame.fin)
            completeMessage();
        return;
    case FrameKind::Control:
        m_kind = FrameKind::Skip;
        completeControl();
        return;
    case FrameKind::Skip:
        return;
    }
}

// ---- messages --------------------------------------------------------------

void StreamInterceptor::completeMessage()
{
    Entry e = std::move(m_msg);
    m_msg = Entry();
    m_mode = MessageMode::None;
    m_msgBytes = 0;
    ++m_buffered;
    if (e.compressed) {
        QByteArray inflated;
        m_inflater->setTextMessage(false);
        const Inflater::Output sink = [&inflated](const char *d, std::size_t n) { inflated.append(d, qsizetype(n)); };
        Violation v = Violation::None;
        for (const Frame &f : e.frames) {
            const Violation fv = m_inflater->feed(f.payload.constData(), std::size_t(f.payload.size()), sink);
            if (v == Violation::None)
                v = fv;
        }
        const Violation fv = m_inflater->finish(sink);
        if (v == Violation::None)
            v = fv;
        e.decodedOk = v != Violation::DecompressionFailed && v != Violation::DecompressedTooLarge;
        e.decoded = std::move(inflated);
    } else if (e.frames.size() == 1) {
        e.decoded = e.frames.front().payload;
    } else {
        for (const Frame &f : e.frames)
            e.decoded += f.payload;
    }
    if (e.decodedOk && m_rules)
        e.result = m_rules->apply(m_active, e.opcode, e.decoded);
    else
        e.result.payload = e.decoded;
    if (e.result.outcome == RuleResult::Outcome::Hold) {
        e.held = true;
        e.id = m_options.nextHeldId ? m_options.nextHeldId() : ++m_nextLocalId;
        m_newlyHeld.push_back(*heldInfo(e));
    }
    enqueue(std::move(e));
}

void StreamInterceptor::completeControl()
{
    Entry e;
    e.kind = Entry::Kind::Control;
    e.opcode = m_controlFrame.header.opcode;
    e.decoded = m_controlFrame.payload;
    e.frames.push_back(std::move(m_controlFrame));
    m_controlFrame = Frame();
    if (m_rules && !m_active.empty())
        e.result = m_rules->apply(m_active, e.opcode, e.decoded);
    else
        e.result.payload = e.decoded;
    if (e.result.outcome == RuleResult::Outcome::Hold) {
        e.held = true;
        e.id = m_options.nextHeldId ? m_options.nextHeldId() : ++m_nextLocalId;
        m_newlyHeld.push_back(*heldInfo(e));
    }
    if (!e.held && e.opcode != Opcode::Close) {
        finalize(e); // ping / pong do not wait behind held messages
        return;
    }
    enqueue(std::move(e));
}

void StreamInterceptor::abandonBufferedMessage()
{
    Entry e;
    e.kind = Entry::Kind::Raw;
    e.raw = reconstruct(m_msg.frames);
    m_msg = Entry();
    m_msgBytes = 0;
    m_mode = MessageMode::None;
    if (!e.raw.isEmpty())
        enqueue(std::move(e));
}

quint64 StreamInterceptor::entrySize(const Entry &e)
{
    quint64 n = quint64(e.raw.size());
    for (const Frame &f : e.frames)
        n += quint64(f.payload.size()) + f.header.headerLength;
    return n;
}

void StreamInterceptor::enqueue(Entry &&entry)
{
    m_queuedBytes += entrySize(entry);
    m_queue.push_back(std::move(entry));
    flushQueue();
}

void StreamInterceptor::flushQueue()
{
    while (!m_queue.empty() && !m_queue.front().held) {
        Entry e = std::move(m_queue.front());
        m_queue.pop_front();
        m_queuedBytes -= std::min(m_queuedBytes, entrySize(e));
        finalize(e);
    }
}

void StreamInterceptor::finalize(Entry &e)
{
    OutputItem item;
    if (e.kind == Entry::Kind::Raw) {
        item.bytes = std::move(e.raw);
        emitItem(std::move(item));
        return;
    }
    const bool sensitive = e.compressed && contextTakeover();
    if (!e.decodedOk) {
        item.bytes = reconstruct(e.frames);
    } else if (e.result.outcome == RuleResult::Outcome::Drop) {
        if (sensitive)
            m_reencode = true;
        item.mark = EditMark::Dropped;
        item.original = e.decoded;
        item.dropped = droppedRecords(e);
    } else if (e.result.modified) {
        if (sensitive)
            m_reencode = true;
        item.bytes = encode(e.opcode, e.result.payload, e.compressed, e.fragments);
        item.mark = EditMark::Replaced;
        item.original = e.decoded;
    } else if (e.compressed && m_reencode) {
        item.bytes = encode(e.opcode, e.decoded, true);
    } else {
        item.bytes = reconstruct(e.frames);
    }
    emitItem(std::move(item));
}

void StreamInterceptor::emitItem(OutputItem &&item)
{
    if (!m_out)
        return;
    // Unmarked bytes join the previous unmarked piece: one write, one capture pass.
    if (item.mark == EditMark::None && item.dropped.empty() && !m_out->empty()
        && m_out->back().mark == EditMark::None && m_out->back().dropped.empty()) {
        m_out->back().bytes += item.bytes;
        return;
    }
    m_out->push_back(std::move(item));
}

void StreamInterceptor::emitBytes(QByteArray bytes)
{
    if (bytes.isEmpty())
        return;
    if (!m_queue.empty() && !m_direct) {
        // Something is held ahead: keep the order.
        m_queuedBytes += quint64(bytes.size());
        if (m_queue.back().kind == Entry::Kind::Raw && !m_queue.back().held) {
            m_queue.back().raw += bytes;
        } else {
            Entry e;
            e.kind = Entry::Kind::Raw;
            e.raw = std::move(bytes);
            m_queue.push_back(std::move(e));
        }
        return;
    }
    OutputItem item;
    item.bytes = std::move(bytes);
    emitItem(std::move(item));
}

QByteArray StreamInterceptor::encode(quint8 opcode, const QByteArray &payload, bool compress, int fragments)
{
    QByteArray data = payload;
    std::uint8_t rsv = 0;
    if (compress && m_options.deflate && !Opcode::isControl(opcode)) {
        if (!m_deflater) {
            const Role role = senderRole(m_options.direction);
            DeflaterOptions o;
            o.windowBits = m_options.agreement.sendWindowBits(role);
            o.noContextTakeover = m_options.agreement.sendNoContextTakeover(role);
            m_deflater = std::make_unique<Deflater>(o);
        }
        data = m_deflater->compressMessage(payload);
        rsv = Rsv::Rsv1;
    }
    const bool mask = m_options.direction == Direction::ClientToServer;
    QByteArray out;
    // Fragmented: the opcode (and RSV1) on the first frame, continuations (0) after, FIN on the last.
    const qsizetype most = std::max<qsizetype>(1, data.size());
    const int n = Opcode::isControl(opcode) ? 1 : int(std::clamp<qsizetype>(fragments, 1, most));
    qsizetype pos = 0;
    for (int i = 0; i < n; ++i) {
        const qsizetype length = (data.size() - pos) / (n - i);
        FrameWriter::appendFrame(out, i == 0 ? opcode : std::uint8_t(Opcode::Continuation),
                                 QByteArrayView(data.constData() + pos, length), i == n - 1, i == 0 ? rsv : 0, mask,
                                 mask ? FrameWriter::randomMaskKey() : 0);
        pos += length;
    }
    return out;
}

QByteArray StreamInterceptor::reconstruct(const std::vector<Frame> &frames)
{
    qsizetype total = 0;
    for (const Frame &f : frames)
        total += f.header.headerLength + f.payload.size();
    QByteArray out;
    out.reserve(total);
    for (const Frame &f : frames) {
        std::uint8_t buf[FrameWriter::MaxHeaderSize];
        const std::size_t n = FrameWriter::encodeHeader(f.header, buf);
        out.append(reinterpret_cast<const char *>(buf), qsizetype(n));
        const qsizetype at = out.size();
        out.append(f.payload);
        if (f.header.masked)
            applyMaskInPlace(out.data() + at, std::size_t(f.payload.size()), f.header.maskKey, 0);
    }
    return out;
}

std::vector<FrameRecord> StreamInterceptor::droppedRecords(const Entry &e)
{
    std::vector<FrameRecord> out;
    for (std::size_t i = 0; i < e.frames.size(); ++i) {
        FrameRecord r;
        r.header = e.frames[i].header;
        r.payload = e.frames[i].payload;
        r.edit = EditMark::Dropped;
        if (i + 1 == e.frames.size()) {
            r.hasMessage = e.decodedOk;
            r.message = e.decoded;
            r.original = e.decoded;
        }
        out.push_back(std::move(r));
    }
    return out;
}

// ---- injection -------------------------------------------------------------

bool StreamInterceptor::inject(const InterceptMessage &message, Output &out)
{
    if (m_lost)
        return false;
    Output *saved = m_out;
    m_out = &out;
    m_pendingInjects.push_back(message);
    flushInjects();
    m_out = saved;
    return true;
}

void StreamInterceptor::flushInjects()
{
    while (!m_pendingInjects.empty()) {
        const InterceptMessage &m = m_pendingInjects.front();
        const bool control = Opcode::isControl(m.opcode);
        if (m_outMidFrame || (!control && m_outMidMessage))
            return; // at the next frame (or message) boundary
        OutputItem item;
        item.bytes = encode(m.opcode, m.payload, false); // uncompressed: no window is touched
        item.mark = EditMark::Injected;
        emitItem(std::move(item));
        m_pendingInjects.erase(m_pendingInjects.begin());
    }
}

// ---- held queue ------------------------------------------------------------

std::optional<HeldEntry> StreamInterceptor::heldInfo(const Entry &e) const
{
    HeldEntry h;
    h.id = e.id;
    h.opcode = e.opcode;
    h.payload = e.result.payload;
    h.compressed = e.compressed;
    h.rule = e.result.rule;
    return h;
}

std::vector<HeldEntry> StreamInterceptor::takeNewlyHeld()
{
    std::vector<HeldEntry> out;
    out.swap(m_newlyHeld);
    return out;
}

std::vector<quint64> StreamInterceptor::heldIds() const
{
    std::vector<quint64> ids;
    for (const Entry &e : m_queue)
        if (e.held)
            ids.push_back(e.id);
    return ids;
}

int StreamInterceptor::heldCount() const
{
    return int(heldIds().size());
}

void StreamInterceptor::flushReleased(Output &out)
{
    Output *saved = m_out;
    m_out = &out;
    flushQueue();
    flushInjects();
    m_out = saved;
}

StreamInterceptor::Entry *StreamInterceptor::findHeld(quint64 id)
{
    for (Entry &e : m_queue)
        if (e.held && e.id == id)
            return &e;
    return nullptr;
}

bool StreamInterceptor::forward(quint64 id, const std::optional<QByteArray> &edited, Output &out, int fragments)
{
    Entry *e = findHeld(id);
    if (!e)
        return false;
    e->held = false;
    e->result.outcome = RuleResult::Outcome::Forward;
    if (edited) {
        e->fragments = std::max(1, fragments);
        e->result.payload = *edited;
        e->result.modified = *edited != e->decoded || e->fragments > 1; // a new fragmentation is an edit too
    }
    flushReleased(out);
    return true;
}

bool StreamInterceptor::drop(quint64 id, Output &out)
{
    Entry *e = findHeld(id);
    if (!e)
        return false;
    e->held = false;
    e->result.outcome = RuleResult::Outcome::Drop;
    flushReleased(out);
    return true;
}

std::vector<quint64> StreamInterceptor::forwardAll(Output &out)
{
    std::vector<quint64> ids;
    for (Entry &e : m_queue)
        if (e.held) {
            ids.push_back(e.id);
            e.held = false;
            e.result.outcome = RuleResult::Outcome::Forward;
        }
    flushReleased(out);
    return ids;
}

std::vector<quint64> StreamInterceptor::discardAll(Output &out)
{
    std::vector<quint64> ids;
    for (Entry &e : m_queue) {
        if (e.held)
            ids.push_back(e.id);
        if (e.kind == Entry::Kind::Raw)
            continue;
        OutputItem item;
        item.mark = EditMark::Dropped;
        item.original = e.decoded;
        item.dropped = droppedRecords(e);
        out.push_back(std::move(item));
    }
    m_queue.clear();
    m_queuedBytes = 0;
    m_pendingInjects.clear();
    return ids;
}

} // namespace wslens::intercept
