//! Logging through `tracing`, and the request span of the HTTP logger.
//!
//! Request spans record the method, the path WITHOUT the query string (stock WebSocket
//! clients put their token there), the matched route and the status; never headers, cookies
//! or bodies.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;

use crate::settings::LogFormat;

/// Installs the global subscriber writing to `sink`. `RUST_LOG`, when set, replaces
/// `default_filter`. Fails if a global subscriber is already installed.
pub fn init_subscriber<W>(
    default_filter: &str,
    format: LogFormat,
    sink: W,
) -> Result<(), tracing_subscriber::util::TryInitError>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(sink);
    match format {
        LogFormat::Json => builder.json().flatten_event(true).finish().try_init(),
        LogFormat::Pretty => builder.finish().try_init(),
    }
}

/// Root span builder for `tracing_actix_web::TracingLogger` that leaves out query strings.
#[derive(Debug, Clone, Copy)]
pub struct RedactedRootSpan;

impl RootSpanBuilder for RedactedRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let route = request.match_pattern().unwrap_or_default();
        tracing::info_span!(
            "http_request",
            http.method = %request.method(),
            http.path = %request.path(),
            http.route = %route,
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use actix_web::{App, HttpResponse, test, web};
    use tracing_actix_web::TracingLogger;

    use super::RedactedRootSpan;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[actix_web::test]
    async fn request_logs_leave_out_the_query_string_and_credentials() {
        let buffer = Buffer::default();
        let sink = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || sink.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);

        let app = test::init_service(
            App::new()
                .wrap(TracingLogger::<RedactedRootSpan>::new())
                .route(
                    "/sync",
                    web::get().to(|| async {
                        tracing::info!("handler ran");
                        HttpResponse::Unauthorized().finish()
                    }),
                ),
        )
        .await;
        let req = test::TestRequest::get()
            .uri("/sync?token=s3cr3t-query-token")
            .insert_header(("authorization", "Bearer s3cr3t-header-token"))
            .insert_header(("cookie", "sync_session=s3cr3t-cookie-token"))
            .to_request();
        let res = test::call_service(&app, req).await;
        assert_eq!(res.status(), 401);
        drop(res); // closes the request span

        let logged = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        assert!(logged.contains("/sync"), "the request was logged: {logged}");
        assert!(logged.contains("401"), "with its status: {logged}");
        assert!(!logged.contains("s3cr3t"), "credentials leaked: {logged}");
    }
}
