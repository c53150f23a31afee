//! Demo mode: in the demo environment (the default while no Bakong token is saved), the POS
//! starts the Bakong simulator on a loopback port and talks to it exactly as to the real
//! service, so a shop can try the POS and the cashier can "pay" a QR from the counter screen.
//!
//! This is the only module that names `pos-bakong-sim`, and only with the `demo` feature.
//! Without it, [`Demo`] has no values and [`Demo::start`] explains that demo mode is not
//! built in, so a release without the simulator links none of its server stack.

use pos_store::Sale;

use crate::store::StoreHandle;
use crate::{Config, CoreError};

#[cfg(not(feature = "demo"))]
pub(crate) use absent::Demo;
#[cfg(feature = "demo")]
pub(crate) use embedded::Demo;

#[cfg(feature = "demo")]
mod embedded {
    use pos_bakong::{BakongClient, ClientConfig, Token};
    use pos_bakong_sim::{PayOptions, QrInfo, RunningSim, SimConfig, SimError};
    use pos_store::Sale;

    use crate::{Config, CoreError};

    /// The developer email the simulator registers, so demo tokens can be renewed.
    const DEMO_EMAIL: &str = "demo@khqr-pos.local";

    /// The running simulator; it stops when the last clone of the [`crate::Pos`] is dropped.
    pub(crate) struct Demo {
        sim: RunningSim,
    }

    fn simulator(error: SimError) -> CoreError {
        CoreError::Simulator(error.to_string())
    }

    impl Demo {
        /// Starts the simulator (quota and autopay from the configuration) and a client
        /// holding its token.
        pub(crate) async fn start(config: &Config) -> Result<(BakongClient, Demo), CoreError> {
            let sim = pos_bakong_sim::start(SimConfig {
                email: DEMO_EMAIL.to_owned(),
                merchant_account: config.merchant.account_id.clone(),
                daily_quota: config.bakong.daily_check_budget,
                autopay: config.bakong.demo_autopay,
                ..SimConfig::default()
            })
            .await
            .map_err(simulator)?;
            let client = BakongClient::new(
                ClientConfig::new(sim.url())
                    .with_token(Token::new(sim.token()))
                    .with_email(DEMO_EMAIL)
                    .with_timeout(config.bakong.request_timeout),
            )?;
            Ok((client, Demo { sim }))
        }

        /// Tells the simulator about a sale's QR, as a customer's bank app would see it.
        pub(crate) fn register(&self, sale: &Sale, config: &Config) -> Result<(), CoreError> {
            self.sim
                .register_md5(
                    &sale.md5,
                    QrInfo {
                        amount: Some(sale.qr_due()),
                        account: Some(config.merchant.account_id.clone()),
                        expires_ms: Some(sale.expires_ms),
                    },
                )
                .map_err(simulator)
        }

        /// The customer pays the QR with this md5 now.
        pub(crate) fn pay(&self, md5: &str) -> Result<(), CoreError> {
            self.sim.pay(PayOptions::new(md5)).map_err(simulator)?;
            Ok(())
        }
    }
}

#[cfg(not(feature = "demo"))]
mod absent {
    use pos_bakong::BakongClient;
    use pos_store::Sale;

    use crate::{Config, CoreError};

    /// Demo mode is not built in: no value of this type exists.
    pub(crate) enum Demo {}

    impl Demo {
        /// Refuses: the demo environment needs the simulator.
        pub(crate) async fn start(config: &Config) -> Result<(BakongClient, Demo), CoreError> {
            Err(CoreError::DemoNotBuilt {
                token_file: config.bakong.token_file.clone(),
            })
        }

        pub(crate) fn register(&self, _sale: &Sale, _config: &Config) -> Result<(), CoreError> {
            match *self {}
        }

        pub(crate) fn pay(&self, _md5: &str) -> Result<(), CoreError> {
            match *self {}
        }
    }
}

impl Demo {
    /// A fresh simulator knows none of the ledger's QRs: registers the sales still unresolved
    /// an hour back, so they can still be paid in the demo after a restart.
    pub(crate) async fn register_unresolved(
        &self,
        store: &StoreHandle,
        config: &Config,
        now_ms: i64,
    ) -> Result<(), CoreError> {
        let since = now_ms.saturating_sub(3_600_000);
        let sales: Vec<Sale> = store.run(move |s| s.unresolved(since)).await?;
        for sale in &sales {
            self.register(sale, config)?;
        }
        Ok(())
    }
}

#[cfg(all(test, not(feature = "demo")))]
mod tests {
    use crate::{Config, CoreError, Pos};

    #[tokio::test]
    async fn without_the_feature_a_config_without_a_token_is_refused_with_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::demo(dir.path()).unwrap();
        let token_file = config.bakong.token_file.clone();
        let err = Pos::start(config).await.unwrap_err();
        assert!(
            matches!(&err, CoreError::DemoNotBuilt { token_file: t } if *t == token_file),
            "{err:?}"
        );
        assert!(err
            .to_string()
            .contains("demo mode is not built into this program"));
    }
}
