#pragma once

#include <cstddef>
#include <cstdint>

namespace wslens {

// Incremental UTF-8 validator (RFC 3629: no overlongs, no surrogates, nothing
// above U+10FFFF). The whole state fits in a uint32 so it can be carried
// across payload pieces and fragments; a code point may be split anywhere.
// Invalid input is detected at the first byte that proves it invalid.
class Utf8Validator
{
public:
    static constexpr std::uint32_t Accept = 0;          // at a code point boundary
    static constexpr std::uint32_t Reject = 0xFFFFFFFFu; // sticky

    // Advances state over [data, data + size); returns the new state.
    // Once Reject, stays Reject. ASCII runs are skipped 8 bytes at a time.
    static std::uint32_t advance(std::uint32_t state, const char *data, std::size_t size);
    // Like advance(); also tells how many bytes were accepted before the
    // byte that made the input invalid (== size when it did not fail).
    static std::uint32_t advance(std::uint32_t state, const char *data, std::size_t size,
                                 std::size_t *validPrefix);

    // One complete string.
    static bool isValid(const char *data, std::size_t size)
    {
        return advance(Accept, data, size) == Accept;
    }

    // Object form for convenience.
    bool feed(const char *data, std::size_t size)
    {
        m_state = advance(m_state, data, size);
        return m_state != Reject;
    }
    bool failed() const { return m_state == Reject; }
    // True when everything fed so far is complete, valid UTF-8.
    bool isComplete() const { return m_state == Accept; }
    std::uint32_t state() const { return m_state; }
    void reset() { m_state = Accept; }

private:
    std::uint32_t m_state = Accept;
};

} // namespace wslens
