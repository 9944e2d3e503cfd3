#include "conformanceclient.h"

#include "protocol/handshake.h"

#include <QDeadlineTimer>
#include <QThread>

namespace wslens::test {

Exchange runExchange(quint16 port, const QList<QByteArray> &chunks, const QByteArray &extensions, int timeoutMs,
                     int pauseMs)
{
    Exchange ex;
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(3000))
        return ex;
    UpgradeRequestOptions o;
    o.host = "127.0.0.1:" + QByteArray::number(port);
    o.resourceName = "/conformance";
    o.extensions = extensions;
    socket.write(buildUpgradeRequest(o).bytes);
    QDeadlineTimer deadline(timeoutMs);
    QByteArray buffer;
    while (!buffer.contains("\r\n\r\n") && !deadline.hasExpired()) {
        if (!socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
            break;
        buffer += socket.readAll();
    }
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return ex;
    ex.handshakeResponse = buffer.left(end + 4);
    ex.handshakeOk = ex.handshakeResponse.startsWith("HTTP/1.1 101");
    ex.received = buffer.mid(end + 4);

    QElapsedTimer sinceLastWrite;
    for (const QByteArray &chunk : chunks) {
        if (pauseMs > 0)
            QThread::msleep(pauseMs);
        socket.write(chunk);
        socket.waitForBytesWritten(1000);
        // Pick up what the server says while we write (it may close early).
        while (socket.bytesAvailable() || socket.waitForReadyRead(0))
            ex.received += socket.readAll();
        if (socket.state() != QAbstractSocket::ConnectedState)
            break;
    }
    sinceLastWrite.start();
    while (socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
        socket.waitForReadyRead(int(qMax<qint64>(1, qMin<qint64>(200, deadline.remainingTime()))));
        ex.received += socket.readAll();
    }
    ex.received += socket.readAll();
    ex.closedByServer = socket.state() != QAbstractSocket::ConnectedState;
    if (ex.closedByServer)
        ex.closedAfterMs = sinceLastWrite.elapsed();
    return ex;
}

} // namespace wslens::test
