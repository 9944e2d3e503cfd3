#include "protocol/messageassembler.h"

#include <algorithm>

namespace wslens {

namespace {
// Never reserve more than this up front: a declared length is untrusted.
constexpr std::uint64_t kMaxReserve = 1 << 20;
} // namespace

MessageAssembler::MessageAssembler(std::uint64_t maxMessageSize)
    : m_maxMessageSize(maxMessageSize)
{
}

void MessageAssembler::reset()
{
    m_message = AssembledMessage();
    m_control = AssembledMessage();
    m_open = false;
    m_target = Target::Drop;
}

void MessageAssembler::frameHeader(const FrameHeader &header)
{
    m_header = header;
    const std::uint8_t op = header.opcode;
    if (Opcode::isControl(op)) {
        m_control = AssembledMessage();
        m_control.opcode = op;
        m_control.frameCount = 1;
        m_control.data.reserve(qsizetype(std::min<std::uint64_t>(header.payloadLength,
                                                                 std::min(m_maxMessageSize, std::uint64_t(125)))));
        m_target = Target::Control;
    } else if (op == Opcode::Text || op == Opcode::Binary) {
        m_message = AssembledMessage();
        m_message.opcode = op;
        m_message.compressed = (header.rsv & Rsv::Rsv1) != 0;
        m_message.frameCount = 1;
        m_message.data.reserve(qsizetype(std::min({header.payloadLength, m_maxMessageSize, kMaxReserve})));
        m_open = true;
        m_target = Target::Message;
    } else if (op == Opcode::Continuation && m_open) {
        ++m_message.frameCount;
        m_target = Target::Message;
    } else {
        m_target = Target::Drop; // stray continuation or reserved non-control opcode
    }
}

void MessageAssembler::appendLimited(AssembledMessage &message, std::uint64_t limit, const char *data,
                                     std::size_t size)
{
    if (message.tooLarge)
        return;
    if (std::uint64_t(message.data.size()) + size > limit) {
        message.tooLarge = true;
        message.data = QByteArray();
        return;
    }
    message.data.append(data, qsizetype(size));
}

void MessageAssembler::framePayload(const char *data, std::size_t size)
{
    if (m_target == Target::Message)
        appendLimited(m_message, m_maxMessageSize, data, size);
    else if (m_target == Target::Control)
        appendLimited(m_control, m_maxMessageSize, data, size);
}

void MessageAssembler::frameEnd()
{
    const Target target = m_target;
    m_target = Target::Drop;
    if (target == Target::Control) {
        AssembledMessage control = std::move(m_control);
        m_control = AssembledMessage();
        emitMessage(control);
    } else if (target == Target::Message && m_header.fin) {
        AssembledMessage message = std::move(m_message);
        m_message = AssembledMessage();
        m_open = false;
        if (message.compressed && m_transform && !message.tooLarge) {
            const Violation v = m_transform->transform(message);
            if (v != Violation::None && m_onViolation)
                m_onViolation(v, m_header);
        }
        emitMessage(message);
    }
}

void MessageAssembler::violation(Violation v)
{
    if (m_onViolation)
        m_onViolation(v, m_header);
}

void MessageAssembler::emitMessage(AssembledMessage &message)
{
    if (m_onMessage)
        m_onMessage(std::move(message));
}

} // namespace wslens
