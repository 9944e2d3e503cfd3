#pragma once

#include "data/capturesource.h"

#include <QCache>
#include <QMutex>

#include <memory>

namespace wslens {
class CaptureStore;
}

namespace wslens::ui {

// The CaptureSource over the capture store (core/store/capturestore.h): the
// live capture and opened session files. Owns the store. The store's batched
// signals (emitted on its writer thread) arrive queued here and are re-emitted
// on the GUI thread; frameCount() only grows when they do, so the views never
// see a row before its announcement.
class StoreCapture final : public CaptureSource
{
    Q_OBJECT
public:
    explicit StoreCapture(std::unique_ptr<CaptureStore> store, QObject *parent = nullptr);
    ~StoreCapture() override;

    CaptureStore *store() const { return m_store.get(); }
    CaptureSink *sink() const;

    qsizetype frameCount() const override { return m_published; }
    FrameFacts summary(qsizetype index) const override;
    QByteArray preview(qsizetype index, int maxBytes) const override;
    QByteArray searchBytes(qsizetype index) const override;
    qsizetype scanSearchBytes(qsizetype from, qsizetype to,
                              const std::function<bool(qsizetype, const QByteArray &)> &fn) const override;
    std::optional<FrameRecord> frame(qsizetype index) const override;
    QList<ConnectionInfo> connections() const override;
    std::optional<ConnectionInfo> connection(quint64 id) const override;
    QString filePath() const override;
    qint64 fileSize() const override;

    // Announces rows the store published but whose signal has not arrived yet
    // (after CaptureStore::flush() in tests and benchmarks).
    void catchUp();

    // Frames whose stored bytes are at most this are read from the file for a
    // longer preview than the index holds (and cached); bigger ones use the
    // index preview only.
    static constexpr quint32 kPreviewReadLimit = 4096;

private:
    void onFramesAppended(quint64 first, quint64 count);
    void onConnectionsAdded(int first, int count);
    void onConnectionsChanged(const QList<quint64> &ids);

    std::unique_ptr<CaptureStore> m_store;
    qsizetype m_published = 0;
    mutable QMutex m_cacheLock;
    mutable QCache<qsizetype, QByteArray> m_previewCache{2048};
};

} // namespace wslens::ui
