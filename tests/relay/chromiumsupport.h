#pragma once
// Headless Chromium as a real browser peer of the relay tests.

#include <QString>
#include <QStringList>

namespace wslens::test {

inline QString chromiumBinary()
{
    return QStringLiteral("/usr/bin/chromium");
}

// Headless Chromium with a fresh profile in profileDir that sends everything,
// loopback too, through the HTTP proxy on 127.0.0.1:proxyPort, and opens url.
inline QStringList headlessChromiumArgs(const QString &profileDir, quint16 proxyPort, const QString &url)
{
    return {QStringLiteral("--headless"), QStringLiteral("--no-sandbox"), QStringLiteral("--disable-gpu"),
            QStringLiteral("--no-first-run"), QStringLiteral("--disable-background-networking"),
            QStringLiteral("--disable-component-update"), QStringLiteral("--disable-sync"),
            QStringLiteral("--disable-quic"), QStringLiteral("--user-data-dir=") + profileDir,
            QStringLiteral("--proxy-server=http://127.0.0.1:%1").arg(proxyPort),
            QStringLiteral("--proxy-bypass-list=<-loopback>"), url};
}

} // namespace wslens::test
