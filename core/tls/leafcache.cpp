#include "tls/leafcache.h"

#include <QMutexLocker>

namespace wslens::tls {

LeafCache::LeafCache(qsizetype capacity)
    : m_capacity(qMax<qsizetype>(1, capacity))
{
}

std::optional<LeafCertificate> LeafCache::find(const QString &key)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_index.constFind(key);
    if (it == m_index.cend()) {
        ++m_misses;
        return std::nullopt;
    }
    ++m_hits;
    m_entries.splice(m_entries.begin(), m_entries, it.value());
    return m_entries.front().second;
}

LeafCertificate LeafCache::insert(const QString &key, const LeafCertificate &value, quint64 generation)
{
    QMutexLocker lock(&m_mutex);
    if (generation != m_generation)
        return value;
    const auto it = m_index.constFind(key);
    if (it != m_index.cend()) {
        m_entries.splice(m_entries.begin(), m_entries, it.value());
        return m_entries.front().second;
    }
    m_entries.emplace_front(key, value);
    m_index.insert(key, m_entries.begin());
    while (qsizetype(m_entries.size()) > m_capacity) {
        m_index.remove(m_entries.back().first);
        m_entries.pop_back();
        ++m_evictions;
    }
    return value;
}

void LeafCache::clear(quint64 newGeneration)
{
    QMutexLocker lock(&m_mutex);
    m_index.clear();
    m_entries.clear();
    m_generation = newGeneration;
}

LeafCache::Stats LeafCache::stats() const
{
    QMutexLocker lock(&m_mutex);
    Stats s;
    s.size = qsizetype(m_entries.size());
    s.capacity = m_capacity;
    s.hits = m_hits;
    s.misses = m_misses;
    s.evictions = m_evictions;
    return s;
}

quint64 LeafCache::generation() const
{
    QMutexLocker lock(&m_mutex);
    return m_generation;
}

} // namespace wslens::tls
