#pragma once

#include "tls/leafcertificate.h"

#include <QHash>
#include <QMutex>
#include <QString>

#include <list>
#include <optional>
#include <utility>

namespace wslens::tls {

// A bounded least-recently-used cache of leaf certificates by normalised host
// name. Thread-safe. Entries carry the generation of the CA that signed them:
// after the CA is regenerated, clear(newGeneration) drops the old leaves and
// a leaf signed by the old CA that arrives late is not inserted.
class LeafCache
{
public:
    struct Stats
    {
        qsizetype size = 0;
        qsizetype capacity = 0;
        quint64 hits = 0;
        quint64 misses = 0;
        quint64 evictions = 0;
    };

    explicit LeafCache(qsizetype capacity);

    // The cached leaf (now the most recently used), or nothing; counts a hit or miss.
    std::optional<LeafCertificate> find(const QString &key);
    // Inserts (or keeps an entry another thread inserted first) and returns the
    // entry now cached. Evicts the least recently used entry beyond capacity.
    // Ignored (returns `value`) if `generation` is not the current one.
    LeafCertificate insert(const QString &key, const LeafCertificate &value, quint64 generation);
    void clear(quint64 newGeneration);

    Stats stats() const;
    quint64 generation() const;

private:
    using Entry = std::pair<QString, LeafCertificate>;
    using List = std::list<Entry>;

    mutable QMutex m_mutex;
    const qsizetype m_capacity;
    List m_entries; // most recently used first
    QHash<QString, List::iterator> m_index;
    quint64 m_generation = 0;
    quint64 m_hits = 0;
    quint64 m_misses = 0;
    quint64 m_evictions = 0;
};

} // namespace wslens::tls
